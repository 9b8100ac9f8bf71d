#include <stdio.h>
int counter;
__attribute__((noinline)) void local_fn(int x) { counter += x; }
extern void other_fn(int);
extern void lib_fn(int);
int main(void) {
    for (int i = 0; i < 5; i++) { local_fn(i); other_fn(i); lib_fn(i); }
    printf("%d\n", counter);
    return 0;
}
