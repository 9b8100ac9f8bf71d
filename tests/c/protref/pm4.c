#include <stdio.h>
int pf(int); int (*tab[])(int) = {pf}; int main(void) { printf("%p\n", (void*)tab[0]); return 0; }
