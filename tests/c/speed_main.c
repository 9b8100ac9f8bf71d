/* tests/test_speed_cache.py: calls into members 0, 2, 5 and 7 of the speed_lib archive. */
#include <stdio.h>
long p0_entry(long), p2_entry(long), p5_entry(long), p7_entry(long);
int main(void) {
    printf("%ld %ld %ld %ld\n", p0_entry(3), p2_entry(4), p5_entry(2), p7_entry(5));
    return 0;
}
