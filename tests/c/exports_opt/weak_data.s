# a GOT load and a data pointer: the pointer gets R_X86_64_64 in a PIE (the symbol stays dynamic)
	.weak	w_data
	.text
	.globl	load_w_data
load_w_data:
	movq	w_data@GOTPCREL(%rip), %rax
	ret
	.data
	.globl	ptr_w_data
ptr_w_data:
	.quad	w_data
	.section .note.GNU-stack,"",@progbits
