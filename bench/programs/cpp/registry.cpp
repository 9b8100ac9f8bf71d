#include "registry.hpp"

#include <atomic>
#include <cstdio>

thread_local Stats tls_stats;

static std::atomic<int> stats_alive{0};
static std::atomic<int> stats_destroyed{0};

Stats::Stats() { stats_alive++; }
Stats::~Stats()
{
    stats_alive--;
    stats_destroyed++;
}
int destroyed_stats() { return stats_destroyed.load(); }

std::map<std::string, Handler> &registry()
{
    static std::map<std::string, Handler> map;   // constructed on first use
    return map;
}

Registrar::Registrar(const char *name, Handler h)
{
    registry().emplace(name, h);
}

long dispatch(const std::string &name, const std::vector<long> &args)
{
    tls_stats.calls++;
    tls_stats.log.push_back(name);
    try {
        Handler h = registry().at(name);          // std::out_of_range if unknown
        return h(args);
    } catch (...) {
        tls_stats.failures++;
        throw;                                    // rethrow across objects
    }
}

namespace {
struct Farewell {
    ~Farewell() { std::printf("static destructor in registry.cpp ran\n"); }
} farewell;
}
