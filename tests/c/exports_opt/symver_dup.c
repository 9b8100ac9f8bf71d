/* plain bar and bar@@V2 at another address: bfd reports a multiple definition of bar */
int bar(void) { return 20; }
int bar_v2(void) { return 22; }
__asm__(".symver bar_v2, bar@@V2");
