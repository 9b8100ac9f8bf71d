/* Non-zero status returned from main; output must be flushed. */
#include <stdio.h>
int main(void)
{
    int total = 0;
    for (int i = 0; i < 10; i++) total += i;
    printf("total=%d\n", total);
    fputs("returning 3\n", stderr);
    return total == 45 ? 3 : 4;
}
