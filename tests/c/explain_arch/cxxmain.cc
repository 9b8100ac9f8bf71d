#include <cstdio>
namespace ns { int f(int); }
int main() { std::printf("%d\n", ns::f(3)); return 0; }
