#include "walker.h"
#include <stdexcept>

namespace geo {
int walks = 0;
__attribute__((noinline)) int Walker::leaf(int v)
{
    walks++;
    if (v > 100) throw std::out_of_range("walked too far: " + name);
    return v * depth;
}
__attribute__((noinline)) int Walker::step(int v) { return leaf(v + 1) + 1; }
}  // namespace geo

int walk_from_other_object(int v) { return run_walk<int>(v); }
