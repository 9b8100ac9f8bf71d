// the far side: calls back over the padding, to near code and to the PLT
	.text
	.globl far_fwd
	.type far_fwd,%function
far_fwd:
	stp x29, x30, [sp, #-16]!
	adrp x0, m_fwd
	add x0, x0, :lo12:m_fwd
	bl puts                 // the PLT is before .text: beyond range
	bl near_back
	ldp x29, x30, [sp], #16
	ret
	.size far_fwd, .-far_fwd

	.globl far_tail
	.type far_tail,%function
far_tail:
	adrp x0, m_tail
	add x0, x0, :lo12:m_tail
	b puts
	.size far_tail, .-far_tail

	.section .rodata.str1.1,"aMS",%progbits,1
m_fwd:	.string "far_fwd"
m_tail:	.string "far_tail"
	.section .note.GNU-stack,"",%progbits
