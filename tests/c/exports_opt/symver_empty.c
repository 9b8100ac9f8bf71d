/* `.symver x, name@` / `name@@`: an empty version is the base one (no version node) */
int impl_a(void) { return 1; }
__asm__(".symver impl_a, sym_a@");
int impl_b(void) { return 2; }
__asm__(".symver impl_b, sym_b@@");
int plain(void) { return 3; }
