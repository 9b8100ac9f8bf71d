#include <stdio.h>
void hello(void); void say(void); int plain_fn(void); int exported(int);
int main(void) { hello(); say(); printf("%d %d\n", plain_fn(), exported(1)); return 0; }
