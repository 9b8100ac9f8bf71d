#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int shared_fn(int x) { return x * 3 + 1; }
int (*puts_from_a(void))(const char *) { return &puts; }
void *strlen_from_a(void) { return (void *)&strlen; }
void *qsort_from_a(void) { return (void *)&qsort; }
void *local_from_a(void) { return (void *)&shared_fn; }
void *const a_table[] = {(void *)&puts, (void *)&shared_fn};
