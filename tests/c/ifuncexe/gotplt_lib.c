#include <stdio.h>
static int impl_b(int x) { return x * 3; }
static void *res_b(void) { return impl_b; }
int fb(int) __attribute__((ifunc("res_b")));
int fc(int) __attribute__((ifunc("res_b")));
extern int (*table[1])(int);
int (*get_fb(void))(int) { return fb; }      /* -fPIC: via the GOT */
int (*get_fc(void))(int) { return fc; }      /* -fPIC: via the GOT, no pointer equality */
