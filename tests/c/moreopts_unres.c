/* References to symbols nothing defines, for --ignore-unresolved-symbol: the calls are never made,
   the addresses are printed (what the linker bound them to). */
#include <stdio.h>
extern int missing_fn(void);
extern int missing_data;
extern int other_missing(void);
int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 5)
        return missing_fn() + missing_data + other_missing();
    printf("%lx %lx\n", (unsigned long)&missing_data, (unsigned long)&other_missing);
    return 0;
}
