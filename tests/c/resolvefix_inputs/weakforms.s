# Every way x86-64 code reaches a hidden undefined weak symbol; bfd resolves it to 0 in the module:
# GOTPCRELX mov/test/binop become immediates, branches and plain GOTPCREL keep a GOT slot holding 0.
	.weak hook
	.hidden hook
	.text
	.globl f
	.type f,@function
f:
	movq hook@GOTPCREL(%rip), %rax
	movq hook@GOTPCREL(%rip), %r9
	movl hook@GOTPCREL(%rip), %eax
	.byte 0x48,0x8b,0x05
	.reloc ., R_X86_64_GOTPCREL, hook-4
	.long 0
	testq %rax, hook@GOTPCREL(%rip)
	addq hook@GOTPCREL(%rip), %rax
	cmpq hook@GOTPCREL(%rip), %rcx
	call *hook@GOTPCREL(%rip)
	jmp *hook@GOTPCREL(%rip)
	call hook
	call hook@PLT
	jmp hook@PLT
	ret
	.data
	.quad hook
	.quad hook+8
