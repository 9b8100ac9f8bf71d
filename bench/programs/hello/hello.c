/* bench job "hello": the smallest dynamic PIE worth linking. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("Hello, world! (argc=%d)\n", argc);
    return 0;
}
