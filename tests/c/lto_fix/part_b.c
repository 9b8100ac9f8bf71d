#include <stdio.h>
int exported(int);
extern __thread int tv;
void say(void) { printf("say %d %d\n", exported(2), tv); }
