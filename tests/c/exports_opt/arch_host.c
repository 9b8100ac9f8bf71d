#include <stdio.h>
extern int lib_entry(void);
int main(void) { printf("lib_entry %d\n", lib_entry()); return 0; }
