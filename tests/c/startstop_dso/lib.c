/* A library with its own `gset` section, walked from __start_gset to __stop_gset (exported). */
static int a __attribute__((used, section("gset"))) = 100;
static int b __attribute__((used, section("gset"))) = 200;
extern int __start_gset[], __stop_gset[];
int lib_walk(void) { int s = 0; for (int *p = __start_gset; p < __stop_gset; p++) s += *p; return s; }
