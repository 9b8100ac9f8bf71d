// bench job "cpp": shared declarations of the three translation units.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

// Thrown by commands (commands.cpp) and caught in main.cpp.
class CommandError : public std::runtime_error {
public:
    CommandError(const std::string &what, int code) : std::runtime_error(what), code_(code) {}
    int code() const noexcept { return code_; }
private:
    int code_;
};

using Handler = long (*)(const std::vector<long> &args);

// Name -> handler map, filled by static constructors before main runs.
std::map<std::string, Handler> &registry();
long dispatch(const std::string &name, const std::vector<long> &args);   // throws

struct Registrar {
    Registrar(const char *name, Handler h);
};

// Per-thread statistics: a thread_local with a non-trivial constructor and
// destructor, defined in registry.cpp and used from the other two objects.
struct Stats {
    Stats();
    ~Stats();
    long calls = 0;
    long failures = 0;
    std::vector<std::string> log;
};
extern thread_local Stats tls_stats;
extern int registrations_seen_by_main;   // set by a static constructor in main.cpp
int destroyed_stats();                   // how many Stats objects have been destroyed
