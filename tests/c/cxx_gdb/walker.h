#include <string>

namespace geo {
struct Walker {
    int depth;
    std::string name;
    int leaf(int v);         // walker.cc
    int step(int v);
};
extern int walks;            // walker.cc
}
template <typename T> __attribute__((noinline)) T run_walk(T v)   // COMDAT, in both objects
{
    geo::Walker w{3, "w" + std::to_string(v)};
    return w.step(v);
}
int walk_from_other_object(int v);
