/* quick_exit runs at_quick_exit handlers (not atexit ones, and no stdio flush). */
#include <stdio.h>
#include <stdlib.h>
static void normal(void) { printf("atexit handler must not run\n"); }
static void quick1(void) { printf("quick handler 1\n"); fflush(stdout); }
static void quick2(void) { printf("quick handler 2\n"); fflush(stdout); }
int main(void)
{
    atexit(normal);
    at_quick_exit(quick1);
    at_quick_exit(quick2);
    printf("before quick_exit\n");
    fflush(stdout);
    printf("buffered; only printed because a quick handler flushes\n");
    quick_exit(5);
}
