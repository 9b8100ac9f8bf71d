# A PC-relative reference from code to a hidden undefined weak symbol: bfd refuses it in PIC output.
	.weak hook
	.hidden hook
	.text
	.globl f
f:
	leaq hook(%rip), %rax
	ret
