#include <stdio.h>
long run_all(void);
int main(void) { printf("%ld\n", run_all()); return 0; }
