/* -mcmodel=medium: large arrays go to .ldata/.lbss/.lrodata (threshold lowered to 4 KiB). */
#include <stdint.h>
#include <stdio.h>

static char large_bss[32u << 20];
int large_data[2048] = {1, 2, 3, [2047] = 2047};
const int large_rodata[2048] = {5, [1000] = 1000, [2047] = -1};
int small_data = 11;
static int small_bss;
long *large_ptrs[1024] = {(long *)&small_data};

int main(void)
{
    for (size_t i = 0; i < sizeof large_bss; i += 1u << 20)
        large_bss[i] = (char)(i >> 20);
    long s = 0;
    for (size_t i = 0; i < sizeof large_bss; i += 1u << 20)
        s += large_bss[i];
    printf("large_bss sum=%ld last=%d\n", s, large_bss[sizeof large_bss - 1]);
    printf("large_data=%d,%d,%d,%d\n", large_data[0], large_data[1], large_data[2], large_data[2047]);
    printf("large_rodata=%d,%d,%d\n", large_rodata[0], large_rodata[1000], large_rodata[2047]);
    printf("small_data=%d small_bss=%d ptr ok=%d\n", small_data, small_bss, large_ptrs[0] == (long *)&small_data);
    large_data[100] = 5;
    small_bss = large_data[100] + large_rodata[1000];
    printf("small_bss=%d\n", small_bss);
    return 0;
}
