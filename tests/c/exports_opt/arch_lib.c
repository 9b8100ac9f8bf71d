extern int a_func(void), b_func(void), a_prot(void), a_weak(void);
int lib_entry(void) { return a_func() * 1000 + b_func() * 100 + a_prot() * 10 + a_weak(); }
