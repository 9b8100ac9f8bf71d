// A -g -O0 program for the debugger test (test_gdb.py): breakpoints by C++ name, backtraces
// through frames of two objects, a COMDAT template and the exception machinery.  It is also an
// ordinary program case.
#include "walker.h"
#include <cstdio>
#include <stdexcept>

int main()
{
    std::printf("%d\n", run_walk<int>(4));
    std::printf("%d\n", walk_from_other_object(10));
    try {
        walk_from_other_object(200);
    } catch (const std::out_of_range &e) {
        std::printf("caught: %s\n", e.what());
    }
    std::printf("walks=%d\n", geo::walks);
    return 0;
}
