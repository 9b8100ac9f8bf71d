/* explain tests: pulls archive members in a chain (foo -> helper), data (bar_data), a member with a
   long name, a weak reference that pulls nothing, a common. */
#include <stdio.h>
extern int foo(void);
extern int bar_data;
extern int long_named(void);
extern int weak_hook(void) __attribute__((weak));
int shared_common;
int main(void)
{
    printf("%d %d %d %d\n", foo(), bar_data, long_named(), weak_hook ? weak_hook() : -1);
    return shared_common;
}
