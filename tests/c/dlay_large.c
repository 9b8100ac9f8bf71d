/* -mcmodel=medium: arrays over 64 KiB go to .lbss/.ldata/.lrodata, which bfd's default script places
   after .bss in segments of their own. */
#include <stdio.h>
const int big_ro[40000] = {1, 2, 3};
int big_rw[40000] = {4, 5, 6};
int big_bss[40000];
int small = 7;
extern char _edata[], _end[], __bss_start[];
int main(void)
{
    big_bss[5] = big_rw[1] + big_ro[2];
    printf("%d %d %d %d\n", big_bss[5], small, (char *)big_rw < _edata, (char *)&big_ro[39999] < _end);
    return 0;
}
