/* Locals for tests/test_opt_locals.py: static functions and data, string literals (.LC labels in a
   merged section when compiled with -Wa,-L), and -g's .L labels in the debug sections. */
#include <stdio.h>

extern int labels_fn(void);
static int counter;
static const char *const names[] = {"alpha", "beta", "alphabeta"};

static int __attribute__((noinline)) bump(int x) { return counter += x; }

int main(void) {
    int t = 0;
    for (int i = 0; i < 3; i++)
        t += bump(i) + names[i][0];
    printf("%s %d %d\n", names[2] + 5, t, labels_fn());
    return 0;
}
