	.section .rodata.str1.1,"aMS",@progbits,1
	.globl t_shared
t_shared: .string "shared between objects"
	.globl t_orld
t_orld: .string "orld"
	.globl t_new
t_new: .string "only in the second object"
	.globl t_empty
t_empty: .string ""
	.section .rodata.str1.8,"aMS",@progbits,1
	.balign 8
	.globl b_tail
b_tail: .string "long"
	.balign 8
	.globl b_other
b_other: .string "aligned in object two"
	.section .rodata.cst16,"aM",@progbits,16
	.balign 16
	.globl d16a
d16a: .quad 0x3333333333333333, 0x4444444444444444
	.globl d16b
d16b: .quad 0x5555555555555555, 0x6666666666666666
	.section .note.GNU-stack,"",@progbits
