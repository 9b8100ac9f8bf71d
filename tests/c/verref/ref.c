/* A library's reference to an old version of a function (`foo@V1`), and to the default one. */
extern int foo_old(int);
__asm__(".symver foo_old, foo@V1");
extern int foo(int);
int call_old(void) { return foo_old(1); }
int call_new(void) { return foo(1); }
