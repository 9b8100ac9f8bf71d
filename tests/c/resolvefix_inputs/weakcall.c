/* An optional hook called from an executable. Compiled -fno-pie, the test and the call are R_X86_64_32
   and PLT32 only: bfd resolves the weak undefined symbol to 0 (no .dynsym entry, no PLT). Compiled
   -fPIE the address comes from the GOT: the symbol is dynamic and the call goes through the PLT. */
#include <stdio.h>
extern void opt_hook(void) __attribute__((weak));
int main(void)
{
    if (opt_hook)
        opt_hook();
    puts(opt_hook ? "hooked" : "no hook");
    return 0;
}
