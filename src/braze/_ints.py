"""mypyc's native integer types under their names, for code that also runs as plain Python.

mypy reads _ints.pyi (the types of mypy_extensions), so compiled modules convert natively (`u8(x)`,
`i64(x)`); run as plain Python these names are int, without importing mypy_extensions (which imports
typing: ~10 ms of start-up)."""
i16 = i32 = i64 = u8 = int
