#include <cstdio>
inline int twice(int x) { static const char *s = "twice-string"; std::puts(s); return 2 * x; }
int unused_b(int x) { std::printf("never b %d\n", x); return x * 3; }
int from_b(int x) { std::printf("literal in b: %s\n", "shared-literal"); return twice(x + 1); }
