#include <stdio.h>
__attribute__((visibility("hidden"))) int hid(int x) { return x * 3; }
static int st(int x) { return x + 7; }
int only_ir(int x) { return st(x) + 1; }
int exported(int x) { return hid(x) + only_ir(x); }
int used_by_plain(void) { return 42; }
__thread int tv = 9;
void hello(void) { fputs("hello\n", stdout); }
