/* A section outside bfd's default script (an "orphan"), next to which bfd would place it. */
#include <stdio.h>
__attribute__((section("search_tab"), used)) int my_table[4] = {1, 2, 3, 4};
int main(void) { printf("%d\n", my_table[2]); return 0; }
