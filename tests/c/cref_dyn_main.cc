// --cref in C++ links: libstdc++ (iostream data by GOT, __gxx_personality_v0 only from unwind data),
// exceptions, libm, and libgcc_s as gcc's --as-needed library.
#include <cmath>
#include <iostream>
#include <vector>
int main(int argc, char **) {
    std::vector<int> v{1, 2, argc};
    try { throw 1; } catch (int) {}
    std::cout << v.size() << " " << std::sqrt(4.0 * argc) << "\n";
    return 0;
}
