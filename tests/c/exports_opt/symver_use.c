/* sym_a@ is a symbol of its own: a plain reference to sym_a does not bind to it */
extern int sym_a(void) __attribute__((weak));
extern int sym_b(void);
int use_ab(void) { return (sym_a ? 10 : 0) + sym_b(); }
