#include "unique.h"
const void *other_counter_addr() { return &shared_counter(); }
int other_bump()
{
    Stats<long> a, b;
    return ++shared_counter();
}
