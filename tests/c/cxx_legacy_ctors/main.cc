// Legacy .ctors/.dtors (old.cc) mixed with init_priority and ordinary constructors.
#include <cstdio>

struct Loud {
    const char *name;
    explicit Loud(const char *n) : name(n) { std::printf("construct %s\n", name); }
    ~Loud() { std::printf("destroy %s\n", name); }
};

Loud same_priority __attribute__((init_priority(101))) ("init_priority(101)");
Loud later __attribute__((init_priority(5000))) ("init_priority(5000)");
Loud plain("plain global");

int main()
{
    std::printf("main\n");
    std::fflush(stdout);
    return 0;
}
