# a PC-relative reference to an undefined weak symbol: not possible in a PIE
	.weak	w_pc
	.text
	.globl	lea_w_pc
lea_w_pc:
	leaq	w_pc(%rip), %rax
	ret
	.section .note.GNU-stack,"",@progbits
