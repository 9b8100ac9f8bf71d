/* The program's own `gset` values: its __start_gset/__stop_gset are its own, not the library's. */
#include <stdio.h>
static int c __attribute__((used, section("gset"))) = 7;
extern int __start_gset[], __stop_gset[];
int lib_walk(void);
int main(void) {
  int s = 0, n = 0;
  for (int *p = __start_gset; p < __stop_gset; p++) { s += *p; n++; }
  printf("main %d %d lib %d\n", n, s, lib_walk());
  return 0;
}
