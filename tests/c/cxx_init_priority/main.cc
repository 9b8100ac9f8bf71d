// Global constructors with init_priority spread over three objects: the linker sorts
// .init_array.NNNNN sections (and the .fini_array ones) across objects by priority.
#include "noisy.h"
Noisy m_mid __attribute__((init_priority(2000))) ("main@2000");
Noisy m_default("main@default");
Noisy m_first __attribute__((init_priority(101))) ("main@101");

int main()
{
    std::printf("main (b_early is %s)\n", early_name());
    return 0;
}
