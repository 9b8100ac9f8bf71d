#include <stdio.h>
int compute(int x) { return x * 10; }
int __real_compute(int);
int __wrap_compute(int x) { printf("wrapped(%d)\n", x); return __real_compute(x) + 1; }
int real_fn(int x) { return x + 1000; }            /* only --defsym refers to it */
int unused_fn(int x) { return x - 5; }             /* --gc-sections drops it */
int kept_fn(int x) { return x * x; }
