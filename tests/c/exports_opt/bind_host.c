#include <stdio.h>
int exp_fn(void) { return 7; }
int other_fn(void) { return 8; }
int exp_data = 9;
int other_data = 0;
__thread int tls_var = 2;
int nt_sym = 3;
extern int bind_report(void);
int main(void) { printf("bind_report %d\n", bind_report()); return 0; }
