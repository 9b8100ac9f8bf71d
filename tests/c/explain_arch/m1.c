extern int helper(void);
int foo(void) { return helper() + 1; }
