#include <stdio.h>
int exp_a(void) { return 1; }
int exp_b(void) { return 2; }
int other_c(void) { return 3; }
int data_d = 4;
__attribute__((visibility("hidden"))) int exp_hidden(void) { return 5; }
int main(void) { printf("%d\n", exp_a() + exp_b() + other_c() + data_d + exp_hidden()); return 0; }
