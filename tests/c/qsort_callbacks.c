/* qsort/bsearch with callbacks of several kinds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person { const char *name; int age; double score; };

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return -cmp_int(a, b); }
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int cmp_person(const void *a, const void *b)
{
    const struct person *p = a, *q = b;
    if (p->age != q->age)
        return p->age - q->age;
    if (p->score != q->score)
        return p->score < q->score ? 1 : -1;
    return strcmp(p->name, q->name);
}

typedef int (*cmpfn)(const void *, const void *);
static const cmpfn int_cmps[] = {cmp_int, cmp_int_desc};

int main(void)
{
    int v[200];
    unsigned s = 12345;
    for (int i = 0; i < 200; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = (int)((s >> 8) % 1000) - 500;
    }
    for (int k = 0; k < 2; k++) {
        qsort(v, 200, sizeof v[0], int_cmps[k]);
        printf("sorted[%d]: first=%d mid=%d last=%d\n", k, v[0], v[100], v[199]);
    }
    qsort(v, 200, sizeof v[0], cmp_int);
    int key = v[137];
    int *hit = bsearch(&key, v, 200, sizeof v[0], cmp_int);
    printf("bsearch found=%d value=%d\n", hit != NULL, hit ? *hit : 0);
    key = 10000;
    printf("bsearch missing=%d\n", bsearch(&key, v, 200, sizeof v[0], cmp_int) == NULL);

    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape"};
    qsort(words, 8, sizeof words[0], cmp_str);
    for (int i = 0; i < 8; i++)
        printf("%s%c", words[i], i == 7 ? '\n' : ' ');

    struct person ps[] = {{"ann", 30, 1.5}, {"bob", 25, 2.0}, {"cid", 30, 3.5},
                          {"dee", 25, 2.0}, {"eve", 41, 0.5}, {"fay", 30, 1.5}};
    qsort(ps, 6, sizeof ps[0], cmp_person);
    for (int i = 0; i < 6; i++)
        printf("%s:%d:%.1f\n", ps[i].name, ps[i].age, ps[i].score);
    return 0;
}
