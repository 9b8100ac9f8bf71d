// STB_GNU_UNIQUE objects (inline function statics, template static members) defined in two
// objects of the executable and in a shared library; exceptions thrown across the library
// boundary in both directions.
#include "unique.h"
#include <cstdio>

const void *other_counter_addr();
int other_bump();

static void exe_callback(int v)
{
    if (v == 1) throw std::invalid_argument("exe rejects 1");
    if (v == 2) throw 22;
}

int main()
{
    Stats<long> here;
    int a = lib_bump(), b = other_bump(), c = ++shared_counter();
    std::printf("bumps %d %d %d, counter %d, Stats<long>::created %d\n", a, b, c, shared_counter(),
                Stats<long>::created);
    std::printf("same counter: exe-objects %d, exe-lib %d; same Stats: %d\n",
                other_counter_addr() == &shared_counter(), lib_counter_addr() == &shared_counter(),
                lib_stats_addr() == &Stats<long>::created);
    for (int v = 0; v < 2; v++) {
        try {
            lib_throw(v);
        } catch (const LibError &e) {
            std::printf("exe caught LibError: %s\n", e.what());
        }
    }
    for (int v = 0; v < 3; v++) std::printf("lib_call(%d) = %d\n", v, lib_call(exe_callback, v));
    return 0;
}
