#include <stdio.h>
int fif(int);
int main(void) { printf("%d\n", fif(1)); return 0; }
