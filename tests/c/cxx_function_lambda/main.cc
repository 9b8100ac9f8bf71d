// Lambdas (capturing, mutable, generic, captureless-to-function-pointer) stored in
// std::function objects that another object keeps and calls; std::bind; bad_function_call.
#include "events.h"
#include <cstdio>
#include <memory>

static int scale(int factor, const std::string &e) { return factor * int(e.size()); }

int main()
{
    int seen = 0;
    auto shared = std::make_shared<int>(1000);
    on("click", [&seen](const std::string &) { return ++seen; });
    on("click", make_counter(5));
    on("click", [shared](const std::string &e) { return *shared + int(e[0]); });
    on("key", std::bind(scale, 3, std::placeholders::_1));
    auto generic = [](auto x) { return static_cast<int>(x * 2); };
    on("key", [generic](const std::string &e) { return generic(e.size()) + generic(0.5); });
    for (int i = 0; i < 3; i++) std::printf("click -> %d\n", fire("click"));
    std::printf("key -> %d\n", fire("key"));
    std::printf("none -> %d\n", fire("none"));
    std::printf("apply_twice -> %d\n", apply_twice([](int v) { return v * v + 1; }, 3));
    std::printf("shared use_count %ld\n", shared.use_count());
    Handler empty;
    try {
        empty("x");
    } catch (const std::bad_function_call &e) {
        std::printf("bad_function_call caught\n");
    }
    return seen;
}
