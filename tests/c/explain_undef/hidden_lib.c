/* built with -fvisibility=hidden: hidden_fn is in the library's .symtab, not its .dynsym */
int hidden_fn(void) { return 1; }
__attribute__((visibility("default"))) int visible_fn(void) { return hidden_fn(); }
