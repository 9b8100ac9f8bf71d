/* tests/test_speed_cache.py: needs speed_extra, which only the rebuilt shared library defines. */
#include <stdio.h>
long p0_entry(long), speed_extra(long);
int main(void) {
    printf("%ld %ld\n", p0_entry(3), speed_extra(14));
    return 0;
}
