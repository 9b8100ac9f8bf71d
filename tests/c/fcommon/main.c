#include <stdint.h>
#include <stdio.h>
extern int common_counter;
extern char common_buf[64];
extern int mixed_var;
extern double common_aligned[4];
extern void a_bump(void), b_bump(void);
extern int a_mixed(void);
int main_only_common;
int main(void)
{
    a_bump();
    b_bump();
    a_bump();
    printf("common_counter=%d buf[0]=%c buf[63]=%c\n", common_counter, common_buf[0], common_buf[63]);
    printf("mixed_var=%d a_mixed=%d\n", mixed_var, a_mixed());
    printf("aligned %% 32 = %lu\n", (unsigned long)((uintptr_t)common_aligned % 32));
    common_aligned[3] = 2.5;
    printf("common_aligned[3]=%.1f main_only_common=%d\n", common_aligned[3], main_only_common);
    return 0;
}
