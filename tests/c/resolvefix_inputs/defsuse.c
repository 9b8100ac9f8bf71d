/* Uses of symbols that only --defsym / the script define. */
#include <stdio.h>
extern int foo;
extern int plus[];
extern int fn(void);
extern char prov_used[];
int main(void) { printf("%d %d %d %d\n", foo, plus[0], fn(), *(int *)prov_used); return 0; }
