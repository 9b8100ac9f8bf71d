#include <stdio.h>

int helper(int x);
const char *get_msg(void);
__attribute__((noinline)) static int chain2(int x) { return helper(x) * 2; }
__attribute__((noinline)) static int chain1(int x) { return chain2(x) + 5; }
int dead_in_main(int x) { return x + 42; }

int main(int argc, char **argv)
{
    (void)argv;
    printf("%d %s\n", chain1(argc + 1), get_msg());
    return 0;
}
