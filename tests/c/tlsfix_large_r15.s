# -mcmodel=large TLS with %r15 as the GOT register (the psABI's form, which bfd accepts besides
# gcc's %rbx): int tf_r15(int k) returns tf_r15_gd + tf_r15_ld after adding k to both.
	.text
	.globl	tf_r15
	.type	tf_r15, @function
tf_r15:
	pushq	%r15
	pushq	%rbx
	subq	$8, %rsp
	movl	%edi, %ebx
1:	leaq	1b(%rip), %r15
	movabsq	$_GLOBAL_OFFSET_TABLE_-1b, %r11
	addq	%r11, %r15
	leaq	tf_r15_gd@tlsgd(%rip), %rdi
	movabsq	$__tls_get_addr@pltoff, %rax
	addq	%r15, %rax
	call	*%rax
	addl	%ebx, (%rax)
	movl	(%rax), %ebx
	leaq	tf_r15_ld@tlsld(%rip), %rdi
	movabsq	$__tls_get_addr@pltoff, %rax
	addq	%r15, %rax
	call	*%rax
	addl	%ebx, tf_r15_ld@dtpoff(%rax)
	addl	tf_r15_ld@dtpoff(%rax), %ebx
	movl	%ebx, %eax
	addq	$8, %rsp
	popq	%rbx
	popq	%r15
	ret
	.size	tf_r15, .-tf_r15

	.section .tdata,"awT",@progbits
	.align 4
	.globl	tf_r15_gd
	.type	tf_r15_gd, @object
	.size	tf_r15_gd, 4
tf_r15_gd:
	.long	5
	.type	tf_r15_ld, @object
	.size	tf_r15_ld, 4
tf_r15_ld:
	.long	1000
	.section .note.GNU-stack,"",@progbits
