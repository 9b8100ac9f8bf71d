/* Only a __start_keepset/__stop_keepset reference keeps this section (see moreopts_ssgc_main.c). */
__attribute__((used, section("keepset"))) static int c[4] = {3};
int unused_fn(void) { return 7; }
