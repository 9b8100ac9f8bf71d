/* Linked against a shared library that has no DT_SONAME, given by path on the command line:
   GNU ld records that path as DT_NEEDED (see test_structure's DT_NEEDED check). */
#include <stdio.h>
extern int nos_value(void);
int main(void)
{
    printf("nos_value=%d\n", nos_value());
    return 0;
}
