/* An IFUNC: global here; LTO makes it local when only this program calls it. */
static int impl(int v) { return v + 1000; }
static void *resolve(void) { return (void *)impl; }
int fif(int) __attribute__((ifunc("resolve")));
