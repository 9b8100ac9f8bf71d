/* Calls the Go library's exported functions (linked at link time, or as a c-archive). */
#include <stdio.h>
int GoAdd(int, int);
int GoInits(void);
long GoParallelSum(int);
int GoRepeatLen(int);
int main(void) {
    printf("add=%d inits=%d sum=%ld len=%d\n", GoAdd(40, 2), GoInits(), GoParallelSum(100), GoRepeatLen(7));
    return 0;
}
