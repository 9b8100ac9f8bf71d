/* The program's IFUNCs: used by the library (so exported) and called here, used by the library and
   address taken in code here, used here only (not exported). */
#include <stdio.h>
static int impl(int x) { return x + 1; }
static int (*resolve(void))(int) { return impl; }
int called(int) __attribute__((ifunc("resolve")));
int taken(int) __attribute__((ifunc("resolve")));
int mine(int) __attribute__((ifunc("resolve")));
int lib_calls(void);
void *lib_taken(void);
void *volatile keep;
int main(void) {
  keep = (void *)&taken;           /* the address in code: a PLT entry (pointer equality) */
  printf("%d %d %d eq %d\n", called(1), mine(2), lib_calls(), keep == lib_taken());
  return 0;
}
