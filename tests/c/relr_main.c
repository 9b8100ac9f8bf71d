/* -z pack-relative-relocs: the pointer tables of relr_lib.c, linked into the program or a library */
int lib_run(void);
int main(void) { return lib_run(); }
