/* Two versions of foo and qux (.symver: hidden @, default @@ and @@@), unversioned helpers the
   version scripts sort into nodes, and data for the dynamic symbol table. */
int foo_v1(void) { return 1; }
int foo_v2(void) { return 2; }
__asm__(".symver foo_v1, foo@VERS_1");
__asm__(".symver foo_v2, foo@@VERS_2");

int qux_old(void) { return 10; }
int qux_new(void) { return 20; }
__asm__(".symver qux_old, qux@VERS_1");
__asm__(".symver qux_new, qux@@@VERS_2");

int bar(void) { return 3; }
int baz(void) { return 4; }
int helper_one(void) { return 5; }
int helper_two(void) { return 6; }
int internal_fn(void) { return 7; }
int libv_counter = 42;
