#include <stdio.h>
extern int weak_fn(void) __attribute__((weak));
extern int weak_var __attribute__((weak));
extern int weak_got_only __attribute__((weak));
int *volatile ptr_to_weak;
int main(void)
{
    ptr_to_weak = &weak_got_only;
    printf("%d %d %d\n", weak_fn ? weak_fn() : -1, &weak_var ? weak_var : -2, ptr_to_weak ? 1 : 0);
    return 0;
}
