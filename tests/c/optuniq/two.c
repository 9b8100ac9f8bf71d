#include <stdio.h>
static int cnt = 2;
__attribute__((noinline)) static int helper(int x) { return x * cnt++; }
int f_one(int);
int f_three(int);
int main(void)
{
    static int calls;                /* a function-local static: gcc names it calls.0 */
    calls++;
    printf("%d %d\n", f_one(1) + helper(2) + f_three(3), calls);
    return 0;
}
