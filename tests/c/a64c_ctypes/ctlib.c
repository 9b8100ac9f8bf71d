/* An aarch64 shared library loaded by Python's ctypes under qemu (tests/test_aarch64_corpus.py):
   calls through the PLT, data and TLS access, callbacks into Python, function-pointer tables
   (RELATIVE relocations), a constructor, an IFUNC, a weak undefined reference. */
#include <stdlib.h>
#include <string.h>

struct point { int x; double y; };

int ct_counter = 5;
int ct_ready;
__thread int ct_tls = 100;
const char ct_name[] = "ctlib";
extern void ct_missing(void) __attribute__((weak));

__attribute__((constructor)) static void ct_init(void) { ct_ready = 42; }

int ct_add(int a, int b) { return a + b; }
double ct_scale(double v, double f) { return v * f; }
int ct_bump(int by) { ct_counter += by; return ct_counter; }
int ct_tls_bump(void) { return ++ct_tls; }
const char *ct_version(void) { return "ctlib 1.0"; }
size_t ct_strlen(const char *s) { return strlen(s); }
double ct_norm(const struct point *p) { return p->x * p->x + p->y * p->y; }
int ct_has_missing(void) { return ct_missing != 0; }

int ct_apply(int (*f)(int), int n) {
    int sum = 0;
    for (int i = 1; i <= n; i++)
        sum += f(i);
    return sum;
}

static int sq(int v) { return v * v; }
static int neg(int v) { return -v; }
static int twice(int v) { return 2 * v; }
static int (*const table[])(int) = { sq, neg, twice };
int ct_table(int i, int v) { return table[i % 3](v); }

static int ifunc_impl(int v) { return v + 1000; }
static int (*resolve_ifunc(void))(int) { return ifunc_impl; }
int ct_ifunc(int v) __attribute__((ifunc("resolve_ifunc")));

char *ct_dup(const char *s) { return strdup(s); }
void ct_free(char *p) { free(p); }
