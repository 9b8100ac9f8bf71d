/* -Wl,--defsym: an alias of a function and an absolute symbol. */
#include <stdint.h>
#include <stdio.h>
extern int defsym_alias(int);
extern char defsym_abs[];
extern int real_target(int);
int main(void)
{
    printf("defsym_alias(4)=%d same=%d\n", defsym_alias(4), (void *)&defsym_alias == (void *)&real_target);
    printf("defsym_abs=%#lx\n", (unsigned long)(uintptr_t)defsym_abs);
    return 0;
}
