/* A .bss of odd size (only byte-aligned objects): bfd's script pads a non-empty .bss to a multiple
   of 8 bytes, so `end` is 8-aligned and end - __bss_start covers the padding.  Found comparing
   Python extension modules linked by braze and by bfd. */
#include <stdint.h>
#include <stdio.h>

extern char __bss_start[], _end[], end[];
static char flag;
char odd[3];

int main(void)
{
    flag = 1;
    odd[2] = flag;
    printf("end - __bss_start: %ld\n", (long)(_end - __bss_start));
    printf("end %% 8: %d, _end == end: %d\n", (int)((uintptr_t)end % 8), _end == end);
    printf("odd[2] = %d\n", odd[2]);
    return 0;
}
