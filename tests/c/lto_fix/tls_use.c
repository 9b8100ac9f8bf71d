extern __thread int t1;
extern __thread int t_bss;
int bump_tls(void);
int use(void) { bump_tls(); return t1 + t_bss; }
