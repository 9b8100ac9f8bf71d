/* Compiled -fno-pic: the library's data is reached only through a table in .rodata (R_X86_64_64 in a
   read-only section): a copy relocation by default, with -z nocopyreloc dynamic relocations in
   .rodata (DT_TEXTREL), as bfd writes them. */
#include <stdio.h>
extern int dso_var, dso_arr[4];
int *const table[] = {&dso_var, &dso_arr[2]};
int main(int argc, char **argv)
{
    (void)argv;
    int *const *volatile t = table;
    printf("%d %d\n", *t[argc - 1], *t[argc]);
    return 0;
}
