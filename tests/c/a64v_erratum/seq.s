// Cortex-A53 erratum 843419 sequences: an ADRP at a page offset of 0xff8 or 0xffc, a load/store, then
// (directly or one instruction later) an unsigned-offset load/store based on the ADRP's register.
// .text is 4 KiB-aligned here, so the page offsets do not depend on the layout.
	.text
	.p2align 12
	.globl run_all
	.type run_all,%function
run_all:                        // returns f1() + f2() + f3() + f4() + f5()
	stp x29, x30, [sp, #-32]!
	str x19, [sp, #16]
	bl f1
	mov x19, x0
	bl f2
	add x19, x19, x0
	bl f3
	add x19, x19, x0
	bl f4
	add x19, x19, x0
	bl f5
	add x0, x19, x0
	ldr x19, [sp, #16]
	ldp x29, x30, [sp], #32
	ret
	.size run_all, .-run_all

	.p2align 12
	.space 0xff8
	.globl f1               // near data: bfd rewrites the ADRP as an ADR
	.type f1,%function
f1:
	adrp x0, near_var
	str x1, [sp, #-16]!
	ldr x0, [x0, :lo12:near_var]
	add sp, sp, #16
	ret
	.size f1, .-f1

	.p2align 12
	.space 0xffc
	.globl f2               // far data, one instruction between: the load moves to a veneer
	.type f2,%function
f2:
	adrp x0, far_var
	str x1, [sp, #-16]!
	mov x2, x0
	ldr w0, [x0, :lo12:far_var]
	add sp, sp, #16
	ret
	.size f2, .-f2

	.p2align 12
	.space 0xff8
	.globl f3               // far data, directly: veneer
	.type f3,%function
f3:
	adrp x3, far_var
	stp x1, x2, [sp, #-16]!
	ldr w0, [x3, :lo12:far_var]
	add sp, sp, #16
	ret
	.size f3, .-f3

	.p2align 12
	.space 0xff8
	.globl f4               // a load pair second: not the erratum's sequence
	.type f4,%function
f4:
	adrp x3, far_var
	ldp x1, x2, [sp]
	ldr w0, [x3, :lo12:far_var]
	ret
	.size f4, .-f4

	.p2align 12
	.space 0xffc
	.globl f5               // through the GOT
	.type f5,%function
f5:
	adrp x4, :got:far_var
	str x1, [sp, #-16]!
	ldr x4, [x4, :got_lo12:far_var]
	add sp, sp, #16
	ldr w0, [x4]
	ret
	.size f5, .-f5

	.data
	.p2align 3
near_var: .quad 40
	.section .data.far,"aw",%progbits
	.space 0x200000
	.globl far_var
	.type far_var,%object
far_var: .word 1
	.size far_var, 4
	.section .note.GNU-stack,"",%progbits
