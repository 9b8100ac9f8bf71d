/* Data with several names: global aliases (each its own copy to bfd) and weak ones (sharing the copy
   of the global name they alias: bfd's weakdef ring). */
int base[4] = {10, 20, 30, 40};
extern int galias[4] __attribute__((alias("base")));
extern int walias[4] __attribute__((weak, alias("base")));
int solo = 7;
extern int wsolo __attribute__((weak, alias("solo")));
int *lib_base(void) { return base; }
int *lib_galias(void) { return galias; }
int *lib_walias(void) { return walias; }
int *lib_solo(void) { return &solo; }
int lib_sum(void) { return base[0] + galias[1] + walias[2] + solo + wsolo; }
