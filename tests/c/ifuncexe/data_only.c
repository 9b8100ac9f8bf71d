#include <stdio.h>
static int impl_a(int x) { return x + 1; }
static int impl_b(int x) { return x * 3; }
static void *res_a(void) { return impl_a; }
static void *res_b(void) { return impl_b; }
int fa(int) __attribute__((ifunc("res_a")));
int fb(int) __attribute__((ifunc("res_b")));
int (*table[2])(int) = {fa, fb};          /* writable data */
int main(void)
{
    int (*volatile p)(int) = fb;            /* fb also taken in code */
    printf("%d %d %d %d\n", table[0](4), table[1](4), fb(5), p == table[1]);
    return 0;
}
