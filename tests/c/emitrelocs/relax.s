	.text
	.globl main
	.type main,@function
main:
	movq foo@GOTPCREL(%rip), %rax
	movl foo@GOTPCREL(%rip), %eax
	testq %rax, foo@GOTPCREL(%rip)
	addq foo@GOTPCREL(%rip), %rax
	call *bar@GOTPCREL(%rip)
	jmp *bar@GOTPCREL(%rip)
	movq ext@GOTPCREL(%rip), %rax
	movq tv@gottpoff(%rip), %rax
	ret
	.globl bar
	.type bar,@function
bar:	ret
	.data
	.globl foo
foo:	.quad 1
	.section .tbss,"awT",@nobits
	.globl tv
tv:	.zero 4
