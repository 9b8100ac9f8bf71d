/* A hosted program for tests/test_scripts_dynamic.py: imports (PLT, GOT), TLS, constructors,
   RELRO data with pointers, writable data, bss, a custom section and an exported function. */
#include <stdio.h>
#include <string.h>

int counter = 5;
static __thread int tls_var = 3;
static __thread int tls_zero;
const char *const names[] = {"alpha", "beta", "gamma"};     /* .data.rel.ro */
static char buffer[256];                                     /* .bss */
__attribute__((section(".mydata"), used)) int tagged[2] = {7, 11};
extern int lib_value(int);
static int ctor_ran;

__attribute__((constructor)) static void init(void) { ctor_ran = 42; }

int exported_fn(int x) { return x * 3 + counter; }

int main(void)
{
    tls_zero += 2;
    strcpy(buffer, names[1]);
    printf("%s %d %d %d %d %d\n", buffer, counter, tls_var + tls_zero, ctor_ran, tagged[0] + tagged[1],
           exported_fn(2));
#ifdef WITH_LIB
    printf("lib %d\n", lib_value(4));
#endif
    return counter - 5;
}
