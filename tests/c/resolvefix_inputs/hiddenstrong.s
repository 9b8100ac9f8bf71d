# A hidden undefined (non-weak) symbol: no other module can define it, so -shared fails too.
	.hidden hook
	.text
	.globl f
f:
	call hook@PLT
	ret
