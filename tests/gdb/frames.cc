// For tests/test_gdb.py: gdb sets a breakpoint on braze_leaf by name and prints the backtrace
// through C++ frames (a template, a class method, a lambda in std::function, a namespace
// function).  Linked with braze and with bfd, the backtraces must name the same functions.
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace braze_gdb {

__attribute__((noinline)) int braze_leaf(int v)
{
    std::printf("leaf %d\n", v);
    return v * 2;
}

template <typename T>
__attribute__((noinline)) T twice_via_leaf(T v)
{
    return static_cast<T>(braze_leaf(static_cast<int>(v)));
}

class Walker {
public:
    explicit Walker(std::string name) : name_(std::move(name)) {}
    __attribute__((noinline)) int walk(const std::vector<int> &xs)
    {
        std::function<int(int)> step = [this](int x) { return twice_via_leaf<long>(x + (int)name_.size()); };
        int sum = 0;
        for (int x : xs)
            sum += step(x);
        return sum;
    }

private:
    std::string name_;
};

}  // namespace braze_gdb

int main()
{
    braze_gdb::Walker w("gdb");
    std::printf("sum %d\n", w.walk({1, 2, 3}));
    return 0;
}
