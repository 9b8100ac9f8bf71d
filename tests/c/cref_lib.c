/* --cref with shared libraries: a versioned library (default, hidden, weak and unreferenced names). */
int foo(void) { return 3; }
int old_foo(void) { return 1; }
__asm__(".symver old_foo,foo@V1");
__asm__(".symver foo,foo@@V2");
int bar(void) { return 4; }
__attribute__((weak)) int wk(void) { return 5; }
int unused = 5;
