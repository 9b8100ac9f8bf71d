#include <stdio.h>
int pf(int); int main(void) { int (*volatile p)(int) = pf; printf("%p\n", (void*)p); return 0; }
