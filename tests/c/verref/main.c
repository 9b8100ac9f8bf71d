#include <stdio.h>
int call_old(void), call_new(void);
int main(void) { printf("%d %d\n", call_old(), call_new()); return 0; }
