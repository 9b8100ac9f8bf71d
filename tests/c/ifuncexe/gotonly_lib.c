static int impl_b(int x) { return x * 3; }
static void *res_b(void) { return impl_b; }
int fd(int) __attribute__((ifunc("res_b")));
int fe(int) __attribute__((ifunc("res_b")));
int (*get_fd(void))(int) { return fd; }      /* -fPIC: via the GOT only */
int (*get_fe(void))(int) { return fe; }      /* via the GOT, and R_64 data */
