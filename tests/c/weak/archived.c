/* Only reachable through a weak reference: must NOT be extracted from libweak.a. */
#include <stdio.h>
int weak_in_archive(void) { return 77; }
__attribute__((constructor)) static void loud(void) { printf("ERROR: archived member was linked\n"); }
