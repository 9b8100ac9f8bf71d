static int impl_a(int x) { return x + 1; }
static void *res_a(void) { return impl_a; }
int ga(int) __attribute__((ifunc("res_a")));
static int la(int) __attribute__((ifunc("res_a")));
int (*lib_ptr_ga)(int) = ga;
int (*lib_ptr_la)(int) = la;
int (*const lib_cptr_ga)(int) = ga;
int (*lib_get_ga(void))(int) { return ga; }
int (*lib_get_la(void))(int) { return la; }
int lib_call_ga(int x) { return ga(x); }
__attribute__((noinline)) int lib_tail_la(int x) { return la(x); }
int lib_call_la(int x) { return la(x) + 0; }
