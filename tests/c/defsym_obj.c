/* A plain object (not an archive member) that also defines `defsym_foo`. */
int defsym_foo = 43;
