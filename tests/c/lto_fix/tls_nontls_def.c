/* The same name as an ordinary variable: use.o's TLS reference does not match it. */
int t1 = 5;
int t_bss;
int bump_tls(void) { return ++t_bss; }
