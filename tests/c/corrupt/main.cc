#include <cstdio>
#include <string>
#include <vector>
template <typename T> T twice(T x) { return x + x; }   // COMDAT groups
static const char *names[] = {"alpha", "beta", "gamma"};  // relocations in .data.rel.ro
int main() {
    std::vector<std::string> v;
    for (const char *n : names) v.push_back(n);
    double d = twice(1.25);
    std::printf("%zu %s %.2f %d\n", v.size(), v[1].c_str(), d, twice(21));
    return 0;
}
