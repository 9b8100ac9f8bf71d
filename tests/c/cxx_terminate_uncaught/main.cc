// An exception thrown in config.cc that nobody catches: std::terminate -> the verbose terminate
// handler prints the type and what() on stderr, then abort() (SIGABRT); no unwinding happens.
#include <cstdio>
#include <stdexcept>

struct Guard {
    ~Guard() { std::puts("guard destroyed (must not happen)"); }
};

void lookup(const char *key);   // config.cc: throws ConfigError

__attribute__((noinline)) static void load(int depth)
{
    Guard g;
    if (depth == 0) lookup("port");
    else load(depth - 1);
}

int main()
{
    std::puts("loading");
    std::fflush(stdout);
    load(3);
    std::puts("unreachable");
}
