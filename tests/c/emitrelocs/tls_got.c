#include <stdio.h>
__thread int tv = 5;
extern __thread int tv2;
__thread int tv2 = 7;
int gvar = 3;
extern int ext_var;
int ext_var = 4;
static const char *s = "hello";
int get(void) { return tv + tv2 + gvar + ext_var; }
int main(void) { printf("%s %d\n", s, get()); return 0; }
