/* Compiled at -O0. */
struct vec { double x, y, z; };
struct vec vec_add(struct vec a, struct vec b) { struct vec r = {a.x + b.x, a.y + b.y, a.z + b.z}; return r; }
double vec_dot(const struct vec *a, const struct vec *b) { return a->x * b->x + a->y * b->y + a->z * b->z; }
unsigned popcount_slow(unsigned long v) { unsigned n = 0; while (v) { n += v & 1; v >>= 1; } return n; }
