/* static functions and variables with identical names in several objects stay distinct. */
#include <stdio.h>
extern int a_api(int), b_api(int);
static int counter = 300;
static int helper(int x) { return x * counter; }
int main(void)
{
    for (int i = 0; i < 3; i++)
        printf("a=%d b=%d main=%d\n", a_api(i), b_api(i), helper(i));
    return 0;
}
