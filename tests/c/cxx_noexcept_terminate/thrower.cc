#include <stdexcept>
void may_throw(int v)
{
    if (v > 2) throw std::length_error("too long: " + std::to_string(v));
}
