// A C++ program/library with typeinfo objects, its own operator new/delete, functions and data:
// which of them bfd's built-in dynamic lists (--dynamic-list-cpp-typeinfo, -cpp-new, -data) export
#include <cstdio>
#include <cstdlib>
#include <new>
#include <typeinfo>
struct Base { virtual ~Base() {} virtual int f() { return 1; } };
struct Derived : Base { int f() override { return 2; } };
int counter = 0;
const int table[3] = {1, 2, 3};
static int hidden_count;
void *operator new(std::size_t n) { ++counter; return std::malloc(n ? n : 1); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
extern "C" int plain_fn(int x) { return x + table[x % 3] + hidden_count; }
extern "C" int cxx_report(void)
{
    Base *b = new Derived;
    int r = b->f() * 100 + counter * 10 + (typeid(*b) == typeid(Derived));
    delete b;
    return r;
}
#ifdef WITH_MAIN
int main() { std::printf("%d %s\n", cxx_report() + plain_fn(1), typeid(Derived).name()); return 0; }
#endif
