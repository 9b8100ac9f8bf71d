#include <stdio.h>
extern int rom_func(int);
extern int rom_data, rom_hidden, rom_dup;
int rom_weak = 77;                   /* a strong definition beats the ROM's weak one */
int rom_dup = 1;

static const char *where(const void *p) { return (unsigned long)p >= 0x20000000 ? "rom" : "app"; }

int main(void)
{
    printf("%lx %lx %lx\n", (unsigned long)&rom_func, (unsigned long)&rom_data, (unsigned long)&rom_hidden);
    printf("rom_weak in %s, rom_dup in %s\n", where(&rom_weak), where(&rom_dup));
    return 0;
}
