/* -r options: statics that stay out-of-line (locals in .symtab), a call that --wrap diverts,
   and a symbol --defsym may redefine. */
#include <stdio.h>

static int counter;
static const char *names[] = {"zero", "one", "two"};

__attribute__((noinline)) static int bump(int by) { counter += by; return counter; }

int compute(int);
int __real_compute(int);
int __wrap_compute(int x) { return __real_compute(x) + 1000; }

extern int table_entry;      /* --defsym table_entry=... in some cases */

int main(void)
{
    bump(2);
    printf("%s %d %d\n", names[bump(1) % 3], compute(4), counter);
    return 0;
}
