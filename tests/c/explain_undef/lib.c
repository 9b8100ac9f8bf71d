int explain_lib_fn(void) { return 0; }
