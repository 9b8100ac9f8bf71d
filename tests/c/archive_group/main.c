/* Two archives with mutual dependencies: needs --start-group/--end-group. */
#include <stdio.h>
extern int ping(int);
int main(void)
{
    printf("ping(6)=%d\n", ping(6));
    return 0;
}
