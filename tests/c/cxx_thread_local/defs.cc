#include "tl.h"
#include <atomic>
#include <cstdio>

static std::atomic<int> constructed{0};
static std::atomic<int> destroyed{0};

Counter::Counter() : base(100 * ++constructed) {}
Counter::~Counter() { ++destroyed; }

static std::string make_name() { return "thread-" + std::to_string(constructed.load()); }

thread_local Counter tl_counter;
thread_local std::string tl_name = make_name();
thread_local int tl_plain = 5;

int bump_in_defs() { return tl_counter.next() + tl_plain++; }

struct Report {
    ~Report() { std::printf("constructed=%d destroyed=%d at exit\n", constructed.load(), destroyed.load()); }
} report;
