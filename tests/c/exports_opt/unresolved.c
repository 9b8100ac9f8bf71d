#include <stdio.h>
extern int missing_fn(void);
extern int missing_var;
extern int missing_weak(void) __attribute__((weak));
int (*fp)(void) = missing_fn;
int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 5)
        return missing_fn() + missing_var;
    printf("fp=%d weak=%d\n", fp != 0, missing_weak != 0);
    return 0;
}
