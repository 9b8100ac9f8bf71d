#include "shared.h"
#include <cstdio>

int main()
{
    counter() = 10;
    int a = outer_bump();
    int b = ++counter();
    std::printf("outer_bump=%d exe=%d counter=%d one object: %d\n", a, b, counter(),
                outer_counter() == &counter());
    return 0;
}
