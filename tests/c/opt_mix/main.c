/* Compiled at -O3 with unrolling; calls across objects built with different -O levels. */
#include <stdio.h>
struct vec { double x, y, z; };
extern struct vec vec_add(struct vec, struct vec), vec_scale(struct vec, double), sum_all(const struct vec *, int);
extern double vec_dot(const struct vec *, const struct vec *);
extern unsigned check_popcounts(unsigned long);
extern unsigned long mix(unsigned long, unsigned long);
extern int bits_reverse(int);
int main(void)
{
    struct vec v[16];
    for (int i = 0; i < 16; i++) { v[i].x = i; v[i].y = i * 0.5; v[i].z = -i; }
    struct vec s = sum_all(v, 16);
    struct vec t = vec_scale(vec_add(s, v[3]), 0.25);
    printf("sum=(%.2f,%.2f,%.2f) t=(%.3f,%.3f,%.3f) dot=%.3f\n", s.x, s.y, s.z, t.x, t.y, t.z, vec_dot(&s, &t));
    printf("popcount mismatches=%u\n", check_popcounts(42));
    unsigned long h = 0;
    for (unsigned long i = 0; i < 100; i++) h = mix(h, i);
    printf("mix=%lx rev=%x\n", h, (unsigned)bits_reverse(0x12345678));
    return 0;
}
