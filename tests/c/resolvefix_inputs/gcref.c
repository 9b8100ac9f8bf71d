/* missing() is referenced only from a function --gc-sections removes. */
#include <stdio.h>
#include <stdlib.h>
extern int missing(void);
extern int missing_lib(void);
int used(void) { return 1; }
int unused(void) { return missing(); }
__attribute__((visibility("hidden"))) int unused_lib(void) { return missing_lib(); }
__attribute__((visibility("hidden"))) void dead_import(void) { abort(); }   /* abort: only here */
int main(void) { printf("used=%d\n", used()); return 0; }
