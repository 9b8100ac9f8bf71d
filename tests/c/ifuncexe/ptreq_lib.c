static int impl_b(int x) { return x * 3; }
static void *res_b(void) { return impl_b; }
int fg(int) __attribute__((ifunc("res_b")));
int (*get_fg(void))(int) { return fg; }      /* -fPIC: via the GOT */
