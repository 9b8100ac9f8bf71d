#include "tmpl.h"
const void *addr_twice_int_a() { return twice_addr<int>(); }
const void *addr_hits_a() { return &hits(); }
void fill_a()
{
    Registry<int>::add(twice(1));
    Registry<std::string>::add(twice(std::string("ab")));
    Registry<Point>::add(twice(Point{1, 2}));
    hits()++;
    greeting += "-a";
}
