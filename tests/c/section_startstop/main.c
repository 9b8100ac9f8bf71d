/* __attribute__((section("my_sec"))) entries from several objects, walked via __start_/__stop_. */
#include <stdio.h>
#include "registry.h"

extern struct entry __start_my_sec[];
extern struct entry __stop_my_sec[];

static int twice(int x) { return 2 * x; }
REGISTER(main_entry, "main.twice", twice, 5);

int main(void)
{
    size_t n = (size_t)(__stop_my_sec - __start_my_sec);
    printf("entries: %zu\n", n);
    int total = 0;
    for (struct entry *e = __start_my_sec; e < __stop_my_sec; e++) {
        int r = e->fn(10);
        printf("%s prio=%d fn(10)=%d\n", e->name, e->prio, r);
        total += r;
    }
    printf("total=%d\n", total);
    return 0;
}
