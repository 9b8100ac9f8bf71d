/* A file-local IFUNC (its .symtab entry is LOCAL IFUNC whatever the link). */
static int simpl(void) { return 7; }
static int (*sresolve(void))(void) { return simpl; }
static int sfif(void) __attribute__((ifunc("sresolve")));
int call_sfif(void) { return sfif(); }
