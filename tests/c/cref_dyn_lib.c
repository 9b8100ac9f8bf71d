/* --cref in -shared links: a library calling libc (PLT), reading libc data (GOT), defining data. */
#include <stdio.h>
#include <stdlib.h>
int cref_shared_var = 3;
int cref_lib_fn(int x) { printf("%d\n", x); fflush(stdout); return abs(x) + cref_shared_var; }
