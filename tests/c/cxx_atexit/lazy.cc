#include <cstdio>
#include <cstdlib>
#include <string>

struct Tracked {
    std::string name;
    explicit Tracked(std::string n);
    ~Tracked();
};
Tracked::Tracked(std::string n) : name(std::move(n)) { std::printf("make %s\n", name.c_str()); }
Tracked::~Tracked() { std::printf("drop %s\n", name.c_str()); }

// Function-local statics: constructed on first call (guarded by __cxa_guard_*), destroyed in
// reverse order of construction through __cxa_atexit, interleaved with atexit() handlers.
Tracked &first() { static Tracked t("first"); return t; }
Tracked &second() { static Tracked t("second"); return t; }

static void plain_handler() { std::printf("atexit handler\n"); }
void register_plain() { std::atexit(plain_handler); }

Tracked global_in_lazy("global-in-lazy");
