	# a TLS common and an over-aligned common (gcc emits neither from C with -fcommon)
	.tls_common tc,8,8
	.comm zz,16,32
	.section .note.GNU-stack,"",@progbits
