/* Globals, .data/.bss, alignment, and a 64 MiB .bss array touched sparsely. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BIG (64u * 1024u * 1024u)

int initialized = 42;
long long big_init[4] = {1, 2, 3, 0x123456789abcdefLL};
int zero_int;
static int static_zero;
static char small_bss[100];
static unsigned char huge_bss[BIG];
unsigned char global_bss_8m[8u * 1024u * 1024u];
double dbl_init = 3.25;
const char *const_ptr = "pointer to rodata";
const char *ptr_table[] = {"alpha", "beta", "gamma"};
int *int_ptr = &initialized;
__attribute__((aligned(4096))) char page_aligned_bss[4096];
__attribute__((aligned(64))) int aligned_data[3] = {7, 8, 9};
static __attribute__((aligned(256))) char aligned_static_bss[10];

static unsigned long sum_stride(const unsigned char *p, size_t n, size_t stride)
{
    unsigned long s = 0;
    for (size_t i = 0; i < n; i += stride)
        s += p[i];
    return s;
}

int main(void)
{
    printf("initialized=%d zero_int=%d static_zero=%d\n", initialized, zero_int, static_zero);
    printf("big_init=%lld,%lld,%lld,%llx\n", big_init[0], big_init[1], big_init[2],
           (unsigned long long)big_init[3]);
    printf("dbl_init=%.2f const_ptr=%s\n", dbl_init, const_ptr);
    for (int i = 0; i < 3; i++)
        printf("ptr_table[%d]=%s\n", i, ptr_table[i]);
    printf("*int_ptr=%d same=%d\n", *int_ptr, int_ptr == &initialized);

    printf("small_bss zero: %lu\n", sum_stride((unsigned char *)small_bss, sizeof small_bss, 1));
    printf("huge_bss zero: %lu\n", sum_stride(huge_bss, BIG, 4096 * 7));
    printf("global_bss_8m zero: %lu\n", sum_stride(global_bss_8m, sizeof global_bss_8m, 4096));

    for (size_t i = 0; i < BIG; i += 1u << 20)
        huge_bss[i] = (unsigned char)((i >> 20) * 3 + 1);
    huge_bss[BIG - 1] = 0x5a;
    global_bss_8m[sizeof global_bss_8m - 1] = 9;
    printf("huge_bss sum after touch: %lu last=%d\n", sum_stride(huge_bss, BIG, 1u << 20),
           huge_bss[BIG - 1]);
    printf("global_bss_8m last=%d\n", global_bss_8m[sizeof global_bss_8m - 1]);

    printf("page_aligned_bss %% 4096 = %lu\n", (unsigned long)((uintptr_t)page_aligned_bss % 4096));
    printf("aligned_data %% 64 = %lu sum=%d\n", (unsigned long)((uintptr_t)aligned_data % 64),
           aligned_data[0] + aligned_data[1] + aligned_data[2]);
    printf("aligned_static_bss %% 256 = %lu\n", (unsigned long)((uintptr_t)aligned_static_bss % 256));

    memset(small_bss, 'x', sizeof small_bss - 1);
    printf("small_bss len=%zu\n", strlen(small_bss));
    initialized++;
    zero_int += 5;
    printf("after: initialized=%d zero_int=%d\n", initialized, zero_int);
    return 0;
}
