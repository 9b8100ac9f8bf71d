#include <stdio.h>
int lto_fn(int);
int main(void) { printf("%d\n", lto_fn(14)); return 0; }
