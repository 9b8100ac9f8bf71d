/* --cref with shared libraries: references into the versioned library and into libc. */
#include <stdio.h>
int foo(void);
int main(void) { printf("%d\n", foo()); puts("cref"); return 0; }
