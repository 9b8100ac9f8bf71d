/* An archive member defining the --defsym'd symbol `defsym_foo` and another one. */
int defsym_foo = 42;
int defsym_other(void) { return 7; }
