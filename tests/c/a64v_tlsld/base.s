// local-dynamic TLS as clang emits it (-ftls-model=local-dynamic -mllvm -aarch64-elf-ldtls-generation):
// a TLS descriptor for the module base _TLS_MODULE_BASE_, then DTPREL offsets (ADD HI12/LO12_NC)
	.text
	.globl mb_add
	.type mb_add,%function
mb_add:                         // e += v; return e + f
	stp x29, x30, [sp, #-16]!
	mov x8, x0
	adrp x0, :tlsdesc:_TLS_MODULE_BASE_
	ldr x1, [x0, :tlsdesc_lo12:_TLS_MODULE_BASE_]
	add x0, x0, :tlsdesc_lo12:_TLS_MODULE_BASE_
	.tlsdesccall _TLS_MODULE_BASE_
	blr x1
	mrs x10, tpidr_el0
	add x9, x0, :dtprel_hi12:e, lsl #12
	add x9, x9, :dtprel_lo12_nc:e
	ldr x11, [x10, x9]
	add x11, x11, x8
	str x11, [x10, x9]
	add x12, x0, :dtprel_hi12:f, lsl #12
	add x12, x12, :dtprel_lo12_nc:f
	ldr x13, [x10, x12]
	add x0, x11, x13
	ldp x29, x30, [sp], #16
	ret
	.size mb_add, .-mb_add

	.section .tdata,"awT",%progbits
	.p2align 3
f:	.quad 100
	.section .tbss,"awT",%nobits
	.p2align 3
	.space 0x5000
e:	.space 8
	.section .note.GNU-stack,"",%progbits
