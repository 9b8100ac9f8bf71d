int b_func(void) { return 9; }
