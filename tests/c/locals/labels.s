# Local symbols of every kind bfd tells apart (tests/test_opt_locals.py).  Assembled with -Wa,-L so
# that the .L labels are kept; the test turns the '_A'/'_B' in the L<digit> names into ^A/^B bytes.
	.file	"labels.s"
	.text
	.globl	labels_fn
	.type	labels_fn, @function
labels_fn:
	leaq	.Lstr_label(%rip), %rax
.Ltext_label:
	nop
..dotdot:
	nop
_.L_under:
	nop
L12:
	nop
Lfoo:
	nop
L7_A:
	nop
L8_B:
	nop
L9_B3:
	nop
L5x:
	movsbl	(%rax), %eax
	addl	.Lcst_label(%rip), %eax
	addl	.Ldata_label(%rip), %eax
	ret
	.size	labels_fn, .-labels_fn
	.type	plain_local, @function
plain_local:
	ret
	.size	plain_local, .-plain_local
	.set	abs_local, 42
	.section .rodata.str1.1,"aMS",@progbits,1
.Lstr_label:
	.string	"hello"
str_named:
	.string	"world"
..str_dotdot:
	.string	"again"
	.section .rodata.cst4,"aM",@progbits,4
.Lcst_label:
	.long	7
cst_named:
	.long	8
	.data
.Ldata_label:
	.long	1
data_named:
	.long	2
	.section .note.GNU-stack,"",@progbits
