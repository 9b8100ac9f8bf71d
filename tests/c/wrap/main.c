/* -Wl,--wrap=malloc,--wrap=compute: undefined references go to __wrap_X, __real_X reaches X. */
#include <stdio.h>
#include <stdlib.h>

extern int compute(int);
extern int compute_internal_user(int);
static int malloc_calls, compute_calls;
void *volatile sink;

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

int (*volatile p_compute)(int) = compute;
int (*volatile p_wrap)(int) = __wrap_compute;

int main(void)
{
    for (int i = 1; i <= 3; i++) {
        sink = malloc((size_t)i * 16);
        free(sink);
    }
    printf("malloc calls seen by wrapper: %d\n", malloc_calls);
    int r = compute(2);
    int internal = compute_internal_user(2);
    printf("compute(2)=%d internal=%d wrapped calls=%d\n", r, internal, compute_calls);
    printf("&compute is the wrapper: %d\n", p_compute == p_wrap);
    return 0;
}
