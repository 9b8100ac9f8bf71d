// __cxa_atexit destructors (globals, function-local statics) from two objects, mixed with
// atexit() handlers; the program leaves through exit() with a status.
#include <cstdio>
#include <cstdlib>
#include <string>

struct Tracked {
    std::string name;
    explicit Tracked(std::string n);
    ~Tracked();
};
Tracked &first();
Tracked &second();
void register_plain();

static struct MainGlobal {
    MainGlobal() { std::printf("main global up\n"); }
    ~MainGlobal() { std::printf("main global down\n"); }
} main_global;

int main(int argc, char **)
{
    second();
    register_plain();
    first();
    second();
    static Tracked in_main("static-in-main");
    std::printf("leaving with %d\n", argc + 2);
    std::exit(argc + 2);
}
