/* Plain C, compiled by gcc: exceptions thrown by the C++ callbacks unwind through these frames
   (only .eh_frame CFI, no personality routine, no LSDA). */
#include <stddef.h>

typedef int (*visit_fn)(int value, void *ctx);

int walk_array(const int *values, size_t n, visit_fn fn, void *ctx)
{
    int acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += fn(values[i], ctx);
    return acc;
}

int walk_twice(const int *values, size_t n, visit_fn fn, void *ctx)
{
    return walk_array(values, n, fn, ctx) + walk_array(values, n, fn, ctx);
}
