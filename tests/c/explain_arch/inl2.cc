#include <cstdio>
inline int used_inline(int x) { return x + 1; }
int keep(int);
int main() { std::printf("%d\n", keep(1) + used_inline(2)); return 0; }
