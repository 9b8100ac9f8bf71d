#include <stdio.h>
extern int a_func(void), b_func(void), dso_call(void);
int main(void) { printf("%d %d %d\n", a_func(), b_func(), dso_call()); return 0; }
