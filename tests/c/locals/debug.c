/* A -g program for the --compress-debug-sections=zstd tests (tests/test_opt_zstd.py). */
#include <stdio.h>
#include <string.h>

struct record { int id; double weight; char name[24]; struct record *next; };

static int __attribute__((noinline)) total(const struct record *r, int scale) {
    int t = 0;
    for (; r; r = r->next)
        t += r->id * scale + (int)strlen(r->name);
    return t;
}

int main(int argc, char **argv) {
    struct record b = {2, 1.5, "second", NULL};
    struct record a = {1, 0.5, "first", &b};
    printf("%d %s\n", total(&a, argc + 2), argv[0] ? "ok" : "none");
    return 0;
}
