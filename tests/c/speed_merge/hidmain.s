# Calls hid.c's hidden and internal functions through PLT32 (as -fPIE code calls a function it
# does not know to be hidden).
	.text
	.globl main
	.type main, @function
main:
	pushq %rbx
	movl $1, %edi
	call hid_called@PLT
	movl %eax, %ebx
	movl $2, %edi
	call int_called@PLT
	addl %ebx, %eax
	movl %eax, %esi
	leaq fmt(%rip), %rdi
	xorl %eax, %eax
	call printf@PLT
	xorl %eax, %eax
	popq %rbx
	ret
	.size main, .-main
	.section .rodata.str1.1,"aMS",@progbits,1
fmt:	.string "%d\n"
	.section .note.GNU-stack,"",@progbits
