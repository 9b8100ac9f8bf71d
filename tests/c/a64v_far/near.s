// range-extension veneers: near code in .text, 129 MiB of padding in .text.pad, then .text.zz
	.text
	.globl entry
	.type entry,%function
entry:
	stp x29, x30, [sp, #-16]!
	adrp x0, m_entry
	add x0, x0, :lo12:m_entry
	bl puts
	bl far_fwd              // forward, beyond the padding (another object)
	bl lcl                  // a local function beyond the padding
	ldp x29, x30, [sp], #16
	b far_tail              // a tail call (JUMP26) beyond the padding
	.size entry, .-entry

	.globl near_back
	.type near_back,%function
near_back:
	adrp x0, m_back
	add x0, x0, :lo12:m_back
	b puts
	.size near_back, .-near_back

	.globl never_called
	.type never_called,%function
never_called:
	b farabs                // an absolute symbol (--defsym) in executables: the literal veneer
	.size never_called, .-never_called

	.section .text.pad,"ax",%progbits
	.space 0x8100000

	.section .text.zz,"ax",%progbits
	.type lcl,%function
lcl:
	stp x29, x30, [sp, #-16]!
	bl near_back            // backward, beyond the padding
	ldp x29, x30, [sp], #16
	ret
	.size lcl, .-lcl

	.section .rodata.str1.1,"aMS",%progbits,1
m_entry: .string "entry"
m_back:	.string "near_back"
	.section .note.GNU-stack,"",%progbits
