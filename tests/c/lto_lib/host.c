#include <stdio.h>
int api_add(int, int);
int api_mul(int, int);
int api_weak(void);
extern int api_value;
int main(void) { printf("%d %d %d %d\n", api_add(1, 2), api_mul(3, 4), api_weak(), api_value); return 0; }
