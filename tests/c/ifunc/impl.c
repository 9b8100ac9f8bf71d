/* IFUNCs defined in the program, resolved at load time (IRELATIVE relocations). */
#include <stddef.h>

static int add_generic(int a, int b) { return a + b; }
static int add_sse2(int a, int b) { return a + b + 1000; }
static const char *name_generic(void) { return "generic"; }
static const char *name_sse2(void) { return "sse2"; }

typedef int (*add_fn)(int, int);
typedef const char *(*name_fn)(void);

static add_fn resolve_add(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse2") ? add_sse2 : add_generic;
}
static name_fn resolve_name(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse2") ? name_sse2 : name_generic;
}

int ifunc_add(int, int) __attribute__((ifunc("resolve_add")));
const char *ifunc_name(void) __attribute__((ifunc("resolve_name")));
static int local_ifunc(int, int) __attribute__((ifunc("resolve_add")));

int call_local(int a, int b) { return local_ifunc(a, b); }
void *addr_in_impl(void) { return (void *)&ifunc_add; }
int (*impl_table[])(int, int) = {ifunc_add, local_ifunc};
