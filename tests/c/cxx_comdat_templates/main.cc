// Templates, inline functions and inline variables defined in several objects: one copy each
// survives (same address everywhere, shared state).
#include "tmpl.h"

int main()
{
    fill_a();
    fill_b();
    Registry<int>::add(twice(300));
    hits() += 100;
    std::printf("ints:");
    for (int v : Registry<int>::items) std::printf(" %d", v);
    std::printf(" (adds %d)\nstrings:", Registry<int>::adds);
    for (auto &s : Registry<std::string>::items) std::printf(" %s", s.c_str());
    std::printf("\npoints: %zu x=%d y=%d\n", Registry<Point>::items.size(), Registry<Point>::items[0].x,
                Registry<Point>::items[0].y);
    std::printf("doubles: %g\n", Registry<double>::items.at(0));
    std::printf("hits=%d greeting=%s\n", hits(), greeting.c_str());
    std::printf("same twice<int>: %d %d\n", addr_twice_int_a() == addr_twice_int_b(),
                addr_twice_int_a() == twice_addr<int>());
    std::printf("same hits: %d, same greeting: %d\n", addr_hits_a() == &hits(),
                addr_greeting_b() == &greeting);
    return 0;
}
