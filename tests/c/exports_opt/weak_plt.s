# only a PLT call names w_plt: it keeps a PLT entry and a .dynsym entry (unless -z nodynamic-undefined-weak)
	.weak	w_plt
	.text
	.globl	call_w_plt
call_w_plt:
	call	w_plt@PLT
	ret
	.section .note.GNU-stack,"",@progbits
