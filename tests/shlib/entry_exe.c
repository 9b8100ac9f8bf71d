/* An executable containing the entry object: without -shared no init entry is added. */
#include <stdio.h>
int entry_runs(int), entry_argc(int);
int main(void) { printf("runs=%d argc=%d\n", entry_runs(0), entry_argc(0)); return 0; }
