int foo_v1(int x) { return x + 100; }
int foo_v2(int x) { return x + 200; }
__asm__(".symver foo_v1, foo@V1");
__asm__(".symver foo_v2, foo@@V2");
