/* Calls the library chosen by the search under test; also has data, bss and rodata for layout tests. */
#include <stdio.h>
void who(void);
static const char greeting[] = "layout";
int counter = 5;
int table[300];
int main(void) {
    table[7] = counter * 3;
    printf("%s %d %d\n", greeting, counter, table[7]);
#ifndef NO_WHO
    who();
#endif
    return 2;
}
