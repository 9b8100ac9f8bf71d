/* Symbols the GNU linker defines: __ehdr_start, __executable_start, etext, edata, end,
   __bss_start, __init_array_start/end, __dso_handle.  Only relations are printed. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

extern const unsigned char __ehdr_start[];
extern const char __executable_start[], etext[], edata[], end[], __bss_start[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern void *__dso_handle;

int data_var = 1;
int bss_var;
static char big_bss[100000];
static int ctor_ran;
__attribute__((constructor)) static void ctor(void) { ctor_ran = 1; }

int main(void)
{
    printf("ehdr magic ok: %d\n", memcmp(__ehdr_start, ELFMAG, SELFMAG) == 0);
    printf("ehdr type matches: %d\n", ((const Elf64_Ehdr *)__ehdr_start)->e_machine == EM_X86_64);
    printf("__executable_start == __ehdr_start: %d\n", (const void *)__executable_start == (const void *)__ehdr_start);
    printf("main < etext: %d\n", (const char *)(void *)main < etext);
    printf("etext <= edata: %d\n", etext <= edata);
    printf("&data_var < edata: %d\n", (const char *)&data_var < edata);
    printf("edata <= __bss_start: %d\n", edata <= __bss_start);
    printf("__bss_start <= &bss_var < end: %d\n", __bss_start <= (const char *)&bss_var && (const char *)&bss_var < end);
    printf("big_bss end <= end: %d\n", (const char *)big_bss + sizeof big_bss <= end);
    long n = __init_array_end - __init_array_start;
    printf("init_array entries: %ld, ctor ran: %d\n", n, ctor_ran);
    int found = 0;
    for (long i = 0; i < n; i++)
        if (__init_array_start[i] == ctor) found = 1;
    printf("ctor in init_array: %d\n", found);
    printf("__dso_handle set: %d\n", &__dso_handle != NULL);
    return 0;
}
