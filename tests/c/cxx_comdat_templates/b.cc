#include "tmpl.h"
const void *addr_twice_int_b() { return twice_addr<int>(); }
const void *addr_greeting_b() { return &greeting; }
void fill_b()
{
    Registry<int>::add(twice(20));
    Registry<std::string>::add(twice(std::string("cd")));
    Registry<double>::add(twice(1.25));
    hits() += 10;
    greeting += "-b";
}
