/* -Wl,--wrap=malloc,--wrap=compute: undefined references go to __wrap_X, __real_X reaches X. */
#include <stdio.h>
#include <stdlib.h>

extern int compute(int);
extern int compute_internal_user(int);
static int malloc_calls, compute_calls;

void *__real_malloc(size_t);
void *__wrap_malloc(size_t n)
{
    malloc_calls++;
    return __real_malloc(n);
}

int __real_compute(int);
int __wrap_compute(int x)
{
    compute_calls++;
    return __real_compute(x) + 1000;
}

int main(void)
{
    void *a = malloc(16), *b = malloc(32), *c = malloc(64);
    free(a); free(b); free(c);
    printf("malloc calls seen by wrapper: %d\n", malloc_calls);
    printf("compute(2)=%d internal=%d wrapped calls=%d\n", compute(2), compute_internal_user(2), compute_calls);
    printf("&compute is the wrapper: %d\n", (void *)&compute == (void *)&__wrap_compute);
    return 0;
}
