# A 32-bit absolute reference to a library's data in a non-PIE (`movl $dso_var, %eax`): a copy
# relocation by default; with -z nocopyreloc bfd writes an R_X86_64_32 text relocation instead,
# which overflows when the program runs.
	.text
	.globl main
	.type main, @function
main:
	movl $dso_var, %eax
	movl (%rax), %eax
	subl $5, %eax
	ret
	.section .note.GNU-stack,"",@progbits
