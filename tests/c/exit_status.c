/* exit() from a nested call with atexit handlers: status 42 must propagate. */
#include <stdio.h>
#include <stdlib.h>
static void bye(void) { printf("atexit handler ran\n"); }
static void deep(int n, int code)
{
    if (n == 0) {
        printf("exiting with %d\n", code);
        exit(code);
    }
    deep(n - 1, code);
}
int main(int argc, char **argv)
{
    (void)argv;
    atexit(bye);
    fprintf(stderr, "argc=%d\n", argc);
    deep(10, 40 + argc);
    return 0;
}
