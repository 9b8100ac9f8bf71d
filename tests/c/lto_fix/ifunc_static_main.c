#include <stdio.h>
int call_sfif(void);
int main(void) { printf("%d\n", call_sfif()); return 0; }
