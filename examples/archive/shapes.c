#include "shapes.h"

static double rect_area(const struct shape *s) { return s->a * s->b; }
static double tri_area(const struct shape *s) { return 0.5 * s->a * s->b; }
static double circle_area(const struct shape *s) { return 3.14159265358979 * s->a * s->a; }

/* Function pointers in initialized data: needs relocations (relative ones in a PIE). */
const struct shape shape_table[] = {
    { "square", rect_area, 2.0, 2.0 },
    { "triangle", tri_area, 3.0, 4.0 },
    { "circle", circle_area, 1.5, 0.0 },
    { "rectangle", rect_area, 1.25, 8.0 },
};
const int shape_count = sizeof shape_table / sizeof shape_table[0];

double total_area(void)
{
    double t = 0;
    for (int i = 0; i < shape_count; i++)
        t += shape_table[i].area(&shape_table[i]);
    return t;
}
