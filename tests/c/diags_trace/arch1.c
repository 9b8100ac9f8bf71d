int shared_common;
int arch_helper(void);
int arch_fn(void) { return 40 + arch_helper(); }
