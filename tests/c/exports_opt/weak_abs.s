# a PLT call and an absolute address in code: bfd resolves w_abs to 0 (no PLT entry) in a non-PIE
	.weak	w_abs
	.text
	.globl	use_w_abs
use_w_abs:
	movl	$w_abs, %eax
	call	w_abs@PLT
	ret
	.section .note.GNU-stack,"",@progbits
