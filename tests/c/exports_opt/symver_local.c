int old_impl(void) { return 1; }
__asm__(".symver old_impl, old@V1");
int new_impl(void) { return 2; }
__asm__(".symver new_impl, new@@V1");
int keep(void) { return 3; }
