// A noexcept function (this object) calls a throwing one (thrower.cc): the personality routine
// must find no handler and call std::terminate, which runs our handler (set with
// std::set_terminate) that inspects the active exception and exits with a status.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

void may_throw(int v);

static void on_terminate()
{
    std::printf("terminate handler: ");
    if (auto p = std::current_exception()) {
        try {
            std::rethrow_exception(p);
        } catch (const std::exception &e) {
            std::printf("active exception: %s\n", e.what());
        }
    } else {
        std::printf("no active exception\n");
    }
    std::fflush(stdout);
    std::_Exit(42);
}

struct Noted {
    int v;
    ~Noted() { std::printf("unwound %d\n", v); }
};

__attribute__((noinline)) static int guarded(int v) noexcept
{
    may_throw(v);
    return v;
}

int main()
{
    std::set_terminate(on_terminate);
    for (int v = 0; v < 5; v++) {
        Noted n{v};
        try {
            may_throw(v);             // ordinary catch first
        } catch (const std::length_error &e) {
            std::printf("caught %s\n", e.what());
        }
        std::printf("guarded(%d) = %d\n", v, guarded(v));
    }
    return 0;
}
