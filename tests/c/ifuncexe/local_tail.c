#include <stdio.h>
static int impl(int x) { return x + 100; }
static void *res(void) { return impl; }
static int local_f(int) __attribute__((ifunc("res")));
__attribute__((noinline)) int call_local(int a) { return local_f(a); }
int main(void) { printf("%d\n", call_local(5)); return 0; }
