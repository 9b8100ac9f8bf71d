/* References to both versions of foo from inside the library that defines them. */
extern int foo_2(void), foo_1(void);
__asm__(".symver foo_2, foo@VERS_2");
__asm__(".symver foo_1, foo@VERS_1");
int callers(void) { return foo_2() * 10 + foo_1(); }
