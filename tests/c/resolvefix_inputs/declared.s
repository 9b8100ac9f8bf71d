# Undefined symbols that the symbol table names but no relocation uses.
	.globl declared_a
	.globl declared_b
	.text
	.globl f
	.type f,@function
f:
	ret
