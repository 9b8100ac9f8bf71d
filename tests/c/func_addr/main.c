/* Function address equality across objects, data initializers, libc and dlsym. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*putsfn)(const char *);
extern putsfn puts_from_a(void);
extern void *strlen_from_a(void);
extern void *local_from_a(void);
extern void *qsort_from_a(void);
extern int shared_fn(int);
extern void *const a_table[];

void *const main_table[] = {(void *)&puts, (void *)&shared_fn, (void *)&strlen};

int main(void)
{
    printf("&puts == a's &puts: %d\n", (void *)&puts == (void *)puts_from_a());
    printf("&strlen == a's: %d\n", (void *)&strlen == strlen_from_a());
    printf("&qsort == a's: %d\n", (void *)&qsort == qsort_from_a());
    printf("&shared_fn == a's: %d\n", (void *)&shared_fn == local_from_a());
    printf("main_table[0] == &puts: %d\n", main_table[0] == (void *)&puts);
    printf("a_table[0] == main_table[0]: %d\n", a_table[0] == main_table[0]);
    printf("a_table[1] == &shared_fn: %d\n", a_table[1] == (void *)&shared_fn);
    printf("dlsym(puts) == &puts: %d\n", dlsym(RTLD_DEFAULT, "puts") == (void *)&puts);
    printf("dlsym(puts) == a's: %d\n", dlsym(RTLD_DEFAULT, "puts") == (void *)puts_from_a());
    puts_from_a()("called through a's pointer");
    ((putsfn)main_table[0])("called through main_table");
    printf("shared_fn via table: %d\n", ((int (*)(int))a_table[1])(20));
    printf("strlen via table: %zu\n", ((size_t (*)(const char *))main_table[2])("12345"));
    return 0;
}
