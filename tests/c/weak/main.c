/* Weak symbols: weak definitions overridden by strong ones in another object, weak undefined
   references (to nothing, and to libc), and weak undefined references not pulling archive members. */
#include <stdio.h>

__attribute__((weak)) int weak_fn(void) { return 1; }        /* overridden in strong.c */
__attribute__((weak)) int weak_only(void) { return 10; }     /* stays */
__attribute__((weak)) int weak_var = 5;                      /* overridden in strong.c */
__attribute__((weak)) int weak_var_only = 50;

extern int weak_missing_fn(void) __attribute__((weak));
extern int weak_missing_var __attribute__((weak));
extern int weak_in_archive(void) __attribute__((weak));     /* defined only in libweak.a */
extern int getpagesize(void) __attribute__((weak));         /* resolved from libc */

extern int strong_user(void);

int main(void)
{
    printf("weak_fn=%d weak_only=%d\n", weak_fn(), weak_only());
    printf("weak_var=%d weak_var_only=%d\n", weak_var, weak_var_only);
    printf("weak_missing_fn is NULL: %d\n", weak_missing_fn == NULL);
    printf("weak_missing_var is NULL: %d\n", &weak_missing_var == NULL);
    printf("weak_in_archive is NULL: %d\n", weak_in_archive == NULL);
    if (weak_missing_fn)
        printf("calling weak_missing_fn: %d\n", weak_missing_fn());
    printf("getpagesize resolved: %d\n", getpagesize != NULL);
    if (getpagesize)
        printf("page size positive: %d\n", getpagesize() > 0);
    printf("strong_user=%d\n", strong_user());
    return 0;
}
