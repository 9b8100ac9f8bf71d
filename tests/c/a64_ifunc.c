/* IFUNC on aarch64: resolvers picking an implementation from an environment-free condition,
   called directly, through a function pointer (canonical PLT address in non-PIE), and compared. */
#include <stdio.h>

static int add_fast(int a, int b) { return a + b; }
static int add_slow(int a, int b) { int r = a; while (b-- > 0) r++; return r; }
static const char *name_a(void) { return "impl-a"; }
static const char *name_b(void) { return "impl-b"; }
static volatile int selector = 1;

static void *resolve_add(void) { return selector ? (void *)add_fast : (void *)add_slow; }
static void *resolve_name(void) { return selector ? (void *)name_b : (void *)name_a; }

int add(int, int) __attribute__((ifunc("resolve_add")));
const char *impl_name(void) __attribute__((ifunc("resolve_name")));

int (*add_ptr)(int, int) = add;
const char *(*name_ptr)(void) = impl_name;

int main(void)
{
    printf("%d %d %s\n", add(2, 3), add_ptr(40, 2), impl_name());
    printf("%s ptr-equal=%d\n", name_ptr(), name_ptr == impl_name);
    return add(1, 1) == 2 ? 0 : 1;
}
