#include "unique.h"
#include <cstdio>

LibError::~LibError() {}

const void *lib_counter_addr() { return &shared_counter(); }
const void *lib_stats_addr() { return &Stats<long>::created; }

int lib_bump()
{
    Stats<long> s;
    return ++shared_counter();
}

void lib_throw(int v) { throw LibError("lib says " + std::to_string(v)); }

int lib_call(void (*cb)(int), int v)
{
    try {
        cb(v);
        return 0;
    } catch (const std::exception &e) {
        std::printf("lib caught: %s\n", e.what());
        return 1;
    } catch (int i) {
        std::printf("lib caught int %d\n", i);
        return 2;
    }
}
