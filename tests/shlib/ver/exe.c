/* An executable defining versions with .symver and no version script: bfd makes the nodes itself
   when the symbols are exported (-rdynamic). */
#include <stdio.h>
int foo_v1(void) { return 1; }
int foo_v2(void) { return 2; }
__asm__(".symver foo_v1, foo@VERS_1");
__asm__(".symver foo_v2, foo@@VERS_2");
int main(void) { printf("%d %d\n", foo_v1(), foo_v2()); return 0; }
