/* Compiled -fPIC: GOT loads and pointer initialisers (R_X86_64_64 in .data and .data.rel.ro) to a
   library's data; without -z nocopyreloc an executable may copy the data, with it never. */
#include <stdio.h>
extern int dso_var, dso_arr[4];
int dso_func(void);
int *p = &dso_var;
int *const cp = &dso_arr[1];
int (*fp)(void) = dso_func;
int main(void)
{
    dso_var += 1;
    printf("%d %d %d %d %d\n", dso_var, *p, *cp, dso_arr[3], fp());
    return 0;
}
