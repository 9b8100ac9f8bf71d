/* Reads library data directly: copy relocations (.dynbss, .data.rel.ro) in an executable. */
#include <stdio.h>
extern const long lib_ro;
extern long lib_rw;
extern const char *const tab_names[];          /* scopy_tab.c: a non-local .data.rel.ro */
int lib_bump(void);
static const char *const local_names[] = {"alpha", "beta"};   /* .data.rel.ro.local under -fPIE */
int counter;
int main(void)
{
    lib_bump();
    lib_rw += 10;                                /* the program's copy is the one the library uses */
    printf("%ld %ld %s %s %d\n", lib_ro, lib_rw, local_names[1], tab_names[0], counter);
    return lib_bump() == 19 ? 0 : 3;
}
