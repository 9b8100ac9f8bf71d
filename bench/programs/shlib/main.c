#include <stdio.h>
#include "greet.h"

int main(void)
{
    const char *names[] = { "world", "braze", "linker" };
    for (int i = 0; i < 3; i++)
        greet(names[i]);
    printf("greet_count seen from the executable: %d\n", greet_count);
    printf("greet_word via PLT: %s\n", greet_word(3));
    return 0;
}
