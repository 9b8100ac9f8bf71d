/* -Wl,--defsym: an alias of a function and an absolute symbol. */
#include <stdint.h>
#include <stdio.h>
extern int defsym_alias(int);
extern char defsym_abs[];
extern int real_target(int);
int (*volatile alias_ptr)(int) = defsym_alias;
int (*volatile target_ptr)(int) = real_target;
int main(void)
{
    printf("defsym_alias(4)=%d same=%d\n", defsym_alias(4), alias_ptr == target_ptr);
#ifdef __PIE__
    /* ld.bfd 2.40 relaxes the GOT load of an ABS symbol in a PIE to a RIP-relative lea (so the
       value moves with the load address); only the page offset is stable across linkers. */
    printf("defsym_abs page offset=%#lx\n", (unsigned long)((uintptr_t)defsym_abs & 0xfff));
#else
    printf("defsym_abs=%#lx\n", (unsigned long)(uintptr_t)defsym_abs);
#endif
    return 0;
}
