#include <cstdio>
inline int twice(int x) { static const char *s = "twice-string"; std::puts(s); return 2 * x; }
int unused_a(int x) { std::printf("never %d\n", x); return x + 1; }
int from_b(int);
static const char *names[] = {"alpha", "beta", "gamma"};
long table[] = {(long)&names, -5, (long)&unused_a};
// an R_X86_64_64 whose S + A is negative (written as its two's complement)
long below = (long)((char *)&table - 0x100000000000L);
int main(int argc, char **argv) {
  std::printf("%s %d %d\n", names[argc % 3], twice(argc), from_b(argc));
  std::printf("literal in a: %s\n", "shared-literal");
  std::printf("below: %d\n", below + 0x100000000000L == (long)&table);
  return 0;
}
