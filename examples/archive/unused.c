/* Nothing references this archive member, so a correct linker leaves it out
 * and its constructor never runs. */
#include <stdio.h>

__attribute__((constructor)) static void unused_member_init(void)
{
    printf("BUG: unused archive member was linked in\n");
}

int unused_function(void) { return 42; }
