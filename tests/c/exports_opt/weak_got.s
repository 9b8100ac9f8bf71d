# only a GOT load names w_got
	.weak	w_got
	.text
	.globl	load_w_got
load_w_got:
	movq	w_got@GOTPCREL(%rip), %rax
	ret
	.section .note.GNU-stack,"",@progbits
