# Local labels in a mergeable string section stay symbols (gas keeps them there); relocations
# name them in an order other than their symbol-table order, so -x/-X's lazily written locals
# show bfd's order.  `named` is a local that is not a label, `quiet` is referenced by nothing.
	.text
	.globl label_user
	.type label_user, @function
label_user:
	leaq .Ls2(%rip), %rax
	leaq named(%rip), %rax
	leaq .Ls1(%rip), %rax
	leaq sv(%rip), %rax
	ret
	.data
sv:	.quad 1
	.quad .Ls3
	.section .rodata.str1.1,"aMS",@progbits,1
.Ls1:	.string "hi"
.Ls2:	.string "ho"
named:	.string "x"
.Ls3:	.string "y"
quiet:	.string "q"
.Lunused: .string "z"
	.section .note.GNU-stack,"",@progbits
