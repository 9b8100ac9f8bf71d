#include "registry.hpp"

#include <numeric>

static long cmd_sum(const std::vector<long> &a)
{
    return std::accumulate(a.begin(), a.end(), 0L);
}

static long cmd_max(const std::vector<long> &a)
{
    if (a.empty())
        throw CommandError("max of nothing", 2);
    long m = a[0];
    for (long v : a)
        m = v > m ? v : m;
    return m;
}

static long cmd_div(const std::vector<long> &a)
{
    if (a.size() != 2)
        throw CommandError("div needs 2 arguments, got " + std::to_string(a.size()), 3);
    if (a[1] == 0)
        throw CommandError("division by zero", 4);
    return a[0] / a[1];
}

static long cmd_calls(const std::vector<long> &)
{
    return tls_stats.calls;                      // thread_local from registry.cpp
}

static Registrar r_sum("sum", cmd_sum);
static Registrar r_max("max", cmd_max);
static Registrar r_div("div", cmd_div);
static Registrar r_calls("calls", cmd_calls);
