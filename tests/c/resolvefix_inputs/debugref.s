# Undefined symbols referenced from live code, from a debug section and from a section gc removes.
	.text
	.globl f
f:
	call liveref
	ret
	.section .debug_info,"",@progbits
	.quad dbgonly
	.section .text.dead,"ax",@progbits
	call deadref
