// C++ exceptions unwinding through C frames: our own C object (walk.c) and glibc's qsort/bsearch.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

extern "C" {
typedef int (*visit_fn)(int value, void *ctx);
int walk_array(const int *values, size_t n, visit_fn fn, void *ctx);
int walk_twice(const int *values, size_t n, visit_fn fn, void *ctx);
}

struct Limit {
    int max;
    int seen = 0;
};

extern "C" int visit(int value, void *ctx)
{
    Limit *l = static_cast<Limit *>(ctx);
    if (value > l->max) throw std::range_error("value " + std::to_string(value) + " after " + std::to_string(l->seen));
    l->seen++;
    return value;
}

static int compares = 0;
extern "C" int cmp_throwing(const void *a, const void *b)
{
    int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);
    if (++compares == 7) throw compares;
    return (x > y) - (x < y);
}

int main()
{
    const int values[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
    const size_t n = sizeof values / sizeof values[0];
    for (int max : {10, 8, 4}) {
        Limit l{max};
        try {
            std::printf("max %d: sum %d\n", max, walk_twice(values, n, visit, &l));
        } catch (const std::range_error &e) {
            std::printf("max %d: stopped: %s\n", max, e.what());
        }
    }
    int copy[n];
    for (size_t i = 0; i < n; i++) copy[i] = values[i];
    try {
        std::qsort(copy, n, sizeof copy[0], cmp_throwing);
        std::printf("sorted without throwing?\n");
    } catch (int at) {
        std::printf("qsort interrupted at compare %d\n", at);
    }
    compares = -1000;
    std::qsort(copy, n, sizeof copy[0], cmp_throwing);
    std::printf("sorted:");
    for (int v : copy) std::printf(" %d", v);
    std::printf("\n");
    return 0;
}
