/* references b_func, which the executable defines from an archive member */
extern int b_func(void) __attribute__((weak));
int dso_call(void) { return b_func ? 1 : 0; }
