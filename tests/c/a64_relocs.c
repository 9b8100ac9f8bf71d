/* Relocations gcc emits beyond the usual ADRP/ADD/LDR: absolute MOVW groups (-mcmodel=large is not
   used: written with inline asm), PREL32/ABS32 data words, CONDBR19 and TSTBR14 branches. */
#include <stdio.h>
#include <stdint.h>

int target_var = 1234;
static int local_var __attribute__((used)) = 99;

__asm__(".section .rodata\n"
        ".balign 4\n"
        "rel_table: .word target_var - .\n"
        "           .word local_var - .\n"
        ".globl rel_table\n"
        ".text\n"
        ".globl movw_addr\n"
        "movw_addr:\n"
        "  movz x0, #:abs_g3:target_var\n"
        "  movk x0, #:abs_g2_nc:target_var\n"
        "  movk x0, #:abs_g1_nc:target_var\n"
        "  movk x0, #:abs_g0_nc:target_var\n"
        "  ret\n"
        ".globl branches\n"
        "branches:\n"
        "  cbz w0, 1f\n"
        "  tbnz w0, #1, 2f\n"
        "  mov w0, #10\n"
        "  ret\n"
        "1: mov w0, #20\n"
        "  ret\n"
        "2: b.ne 3f\n"
        "3: mov w0, #30\n"
        "  ret\n");

extern const int32_t rel_table[2];
extern int *movw_addr(void);
extern int branches(int);

int main(void)
{
    const char *p0 = (const char *)&rel_table[0] + rel_table[0];
    const char *p1 = (const char *)&rel_table[1] + rel_table[1];
    printf("%d %d\n", *(const int *)p0, *(const int *)p1);
    printf("%d %d %d %d\n", *movw_addr(), branches(0), branches(1), branches(2));
    (void)local_var;
    return 0;
}
