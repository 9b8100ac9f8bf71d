// C++ names for extern "C++" patterns: matched by their demangled form.
namespace vns {
int f(int x) { return x + 1; }
int f(double x) { return (int)x + 2; }
int g(long x) { return (int)x + 3; }
struct Widget { int size() const; };
int Widget::size() const { return 4; }
}
extern "C" int plain_c(void) { return 5; }
