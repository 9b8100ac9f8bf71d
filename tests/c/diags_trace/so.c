extern int printf(const char *, ...);
int so_fn(void) { return 5; }
