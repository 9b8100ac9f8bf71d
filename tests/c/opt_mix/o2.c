/* Compiled at -O2. */
#include <string.h>
struct vec { double x, y, z; };
extern struct vec vec_add(struct vec, struct vec);
extern unsigned popcount_slow(unsigned long);
struct vec vec_scale(struct vec a, double k) { struct vec r = {a.x * k, a.y * k, a.z * k}; return r; }
unsigned long mix(unsigned long h, unsigned long v) { h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2); return h; }
unsigned check_popcounts(unsigned long seed)
{
    unsigned bad = 0;
    for (int i = 0; i < 1000; i++) {
        seed = mix(seed, (unsigned long)i);
        if ((unsigned)__builtin_popcountl(seed) != popcount_slow(seed))
            bad++;
    }
    return bad;
}
struct vec sum_all(const struct vec *v, int n)
{
    struct vec acc;
    memset(&acc, 0, sizeof acc);
    for (int i = 0; i < n; i++)
        acc = vec_add(acc, v[i]);
    return acc;
}
