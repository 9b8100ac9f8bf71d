#include <stdio.h>
int chain_unused(int x) { return x; }
__attribute__((constructor)) static void loud(void) { printf("ERROR: unused member linked\n"); }
