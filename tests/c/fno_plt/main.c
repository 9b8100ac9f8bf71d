/* -fno-plt: calls through the GOT (GOTPCRELX), relaxable for local definitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern int helper_sum(const int *, int);
extern int (*get_helper(void))(const int *, int);
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int main(void)
{
    int v[] = {9, 3, 7, 1, 5};
    qsort(v, 5, sizeof v[0], cmp);
    printf("sorted=%d,%d,%d,%d,%d sum=%d\n", v[0], v[1], v[2], v[3], v[4], helper_sum(v, 5));
    printf("same fn ptr=%d\n", get_helper() == helper_sum);
    char *s = strdup("no-plt");
    printf("%s len=%zu\n", s, strlen(s));
    free(s);
    puts("puts via GOT");
    return 0;
}
