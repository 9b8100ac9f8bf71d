/* Compiled -fPIC: a global table of pointers, in .data.rel.ro (not .local). */
const char *const tab_names[] = {"gamma", "delta"};
