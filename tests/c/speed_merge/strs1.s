# SHF_MERGE inputs whose layout the packed and padded paths of sections.MergedSection decide:
# 1-byte strings aligned to 1 (with a tail of another string, a duplicate of strs2.s's, a NUL run,
# and a rest without a NUL), strings aligned to 8, and 16-byte constants.
	.section .rodata.str1.1,"aMS",@progbits,1
	.globl s_hello
s_hello: .string "hello world"
	.globl s_world
s_world: .string "world"
	.globl s_shared
s_shared: .string "shared between objects"
	.byte 0, 0
	.globl s_last
s_last: .string "last one"
	.section .rodata.str1.1x,"aMS",@progbits,1
	.globl s_unterm
s_unterm: .ascii "no terminator"
	.section .rodata.str1.8,"aMS",@progbits,1
	.balign 8
	.globl a_long
a_long: .string "an aligned string, long"
	.balign 8
	.globl a_tail
a_tail: .string "string, long"
	.section .rodata.cst16,"aM",@progbits,16
	.balign 16
	.globl c16a
c16a: .quad 0x1111111111111111, 0x2222222222222222
	.globl c16b
c16b: .quad 0x3333333333333333, 0x4444444444444444
	.section .note.GNU-stack,"",@progbits
