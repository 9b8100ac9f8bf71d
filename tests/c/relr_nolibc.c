/* -z pack-relative-relocs: pointers, but no versioned libc.so.6 symbol referenced */
static const char *t[] = {"a", "b", "c"};
const char **get(void) { return t; }
void *q = &t;
