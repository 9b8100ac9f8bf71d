/* Prints where `defsym_foo` resolved (its address is the --defsym/script value, or the member's
   variable); with -DUSE_OTHER it also calls a function only the archive member defines. */
#include <stdio.h>
extern char defsym_foo[];
#ifdef USE_OTHER
int defsym_other(void);
#endif
int main(void)
{
    printf("foo %p\n", (void *)defsym_foo);
#ifdef USE_OTHER
    printf("other %d\n", defsym_other());
#endif
    return 0;
}
