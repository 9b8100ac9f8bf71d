/* A thread-local variable defined here (compiled -flto in the tests) and read from a regular object. */
__thread int t1 = 5;
__thread int t_bss;
int bump_tls(void) { return ++t_bss; }
