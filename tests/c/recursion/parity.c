/* Compiled at -O0 so the mutual recursion across objects really uses the stack. */
extern int is_odd(unsigned n);
int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
