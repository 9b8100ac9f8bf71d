#include <stdio.h>
extern int base[4], galias[4], walias[4], solo, wsolo;
int *lib_base(void), *lib_galias(void), *lib_walias(void), *lib_solo(void);
int lib_sum(void);
int main(void) {
  base[0] += 1; galias[1] += 2; walias[2] += 3; wsolo += 4;
  printf("%d %d %d %d %d %d\n", base[0], galias[0], walias[0], base[1], galias[1], walias[2]);
  printf("eq %d %d %d %d %d\n", base == lib_base(), galias == lib_galias(), walias == lib_walias(),
         base == galias, &solo == lib_solo());
  printf("sum %d %d %d\n", lib_sum(), solo, wsolo);
  return 0;
}
