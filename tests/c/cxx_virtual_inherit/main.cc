// Virtual inheritance across objects: construction order with virtual bases, calls through
// every base pointer (this-adjusting and virtual thunks), covariant returns.
#include "shapes.h"
#include <cstdio>

int main()
{
    Base *b = make_bottom();
    Left *l = dynamic_cast<Left *>(b);
    Right *r = dynamic_cast<Right *>(b);
    std::printf("trail: %s\n", b->trail.c_str());
    std::printf("id via base=%d left=%d right=%d\n", b->id, l->id, r->id);
    std::printf("who via base: %s\n", b->who().c_str());
    std::printf("who via left: %s\n", l->who().c_str());
    std::printf("who via right: %s\n", r->who().c_str());
    std::printf("left_only: %d\n", l->left_only());
    std::printf("self consistent: %d %d\n", r->self() == r, b->self() == b);
    std::printf("shared base: %d\n", static_cast<Base *>(l) == static_cast<Base *>(r));
    Right plain_right;
    std::printf("plain right: %s id=%d trail=%s\n", plain_right.who().c_str(), plain_right.id,
                plain_right.trail.c_str());
    delete b;
    return 0;
}
