// traditional local-dynamic TLS, as hand-written code has it (gcc's and clang's defaults do not emit
// it): the module's TLS block from __tls_get_addr (TLSLD_ADR_PAGE21, TLSLD_ADD_LO12_NC), then
// DTPREL offsets in every form (ADD HI12/LO12, load/store LO12, MOVW G1/G0)
	.text
	.globl ld_set
	.type ld_set,%function
ld_set:                         // c = v
	stp x29, x30, [sp, #-32]!
	str x19, [sp, #16]
	mov x19, x0
	adrp x0, :tlsldm:c
	add x0, x0, :tlsldm_lo12_nc:c
	bl __tls_get_addr
	add x1, x0, :dtprel_hi12:c, lsl #12
	str x19, [x1, :dtprel_lo12_nc:c]
	ldr x19, [sp, #16]
	ldp x29, x30, [sp], #32
	ret
	.size ld_set, .-ld_set

	.globl ld_get
	.type ld_get,%function
ld_get:                         // a + b + c + d
	stp x29, x30, [sp, #-16]!
	adrp x0, :tlsldm:a
	add x0, x0, :tlsldm_lo12_nc:a
	bl __tls_get_addr
	add x1, x0, :dtprel_hi12:a, lsl #12
	add x1, x1, :dtprel_lo12_nc:a
	ldr w2, [x1]
	add x3, x0, :dtprel_lo12:b
	ldr w4, [x3]
	movz x5, #:dtprel_g1:c
	movk x5, #:dtprel_g0_nc:c
	ldr x6, [x0, x5]
	add x7, x0, :dtprel_hi12:d, lsl #12
	ldrh w8, [x7, :dtprel_lo12_nc:d]
	add w0, w2, w4
	add w0, w0, w6
	add w0, w0, w8
	ldp x29, x30, [sp], #16
	ret
	.size ld_get, .-ld_get

	.section .tdata,"awT",%progbits
	.p2align 3
a:	.word 5
b:	.word 30
	.section .tbss,"awT",%nobits
	.p2align 3
	.space 0x3000           // past the first 4 KiB: the HI12 parts are not 0
c:	.space 8
d:	.space 2
	.section .note.GNU-stack,"",%progbits
