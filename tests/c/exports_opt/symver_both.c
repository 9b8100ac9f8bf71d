/* plain foo and hidden foo@V1, foo@V2 in one object */
int foo(void) { return 10; }
int foo_v1(void) { return 11; }
__asm__(".symver foo_v1, foo@V1");
int foo_v2(void) { return 12; }
__asm__(".symver foo_v2, foo@V2");
