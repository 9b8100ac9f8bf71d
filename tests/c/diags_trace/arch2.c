int arch_helper(void) { return 2; }
