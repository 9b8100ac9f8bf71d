/* Calls through the PLT (libc and a library), a function pointer to a library function (canonical
   PLT entry in a non-PIE), an IFUNC, qsort calling back into the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WITH_LIB
size_t (*tags_lib_strlen(void))(const char *);
int tags_lib_format(char *buf, int n, int v);
#endif

static int add1(int x) { return x + 1; }
static int (*resolve_add(void))(int) { return add1; }
int tags_add(int) __attribute__((ifunc("resolve_add")));

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int (*volatile put)(const char *) = puts;

int main(int argc, char **argv)
{
    int v[5] = {5, 3, 9, 1, 7};
    char buf[64];
    qsort(v, 5, sizeof v[0], cmp);
    printf("sorted %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4]);
    printf("ifunc %d\n", tags_add(argc));
    put("through a pointer");
    printf("same pointer %d\n", put == puts);
    /* strlen through the PLT; what is printed does not depend on where the test put the program */
    snprintf(buf, sizeof buf, "%s", argv[0]);
    printf("len ok %d\n", strlen(buf) == (strlen(argv[0]) < sizeof buf ? strlen(argv[0]) : sizeof buf - 1));
#ifdef WITH_LIB
    tags_lib_format(buf, sizeof buf, -argc * 7);
    printf("%s %d\n", buf, tags_lib_strlen() == strlen);
#endif
    return 0;
}
