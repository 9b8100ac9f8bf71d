#include <cstdio>
#include <string>
#include <vector>

// Everything here is instantiated in a.cc, b.cc and main.cc: COMDAT groups the linker keeps once.
template <typename T> struct Registry {
    static std::vector<T> items;           // template static member (vague linkage)
    static int adds;
    static void add(const T &v) { items.push_back(v); adds++; }
};
template <typename T> std::vector<T> Registry<T>::items;
template <typename T> int Registry<T>::adds = 0;

template <typename T> T twice(T v) { return v + v; }
template <typename T> const void *twice_addr() { return reinterpret_cast<const void *>(&twice<T>); }

inline int &hits() { static int n = 0; return n; }        // inline function static
inline std::string greeting = "hello";                      // C++17 inline variable

struct Point {
    int x, y;
    Point operator+(const Point &o) const { return {x + o.x, y + o.y}; }
};

const void *addr_twice_int_a();
const void *addr_twice_int_b();
const void *addr_hits_a();
const void *addr_greeting_b();
void fill_a();
void fill_b();
