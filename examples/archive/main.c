/* A multi-object program: main.o plus a static archive libshapes.a whose
 * members are pulled in only because main needs their symbols. */
#include <stdio.h>
#include "shapes.h"

int main(void)
{
    for (int i = 0; i < shape_count; i++) {
        const struct shape *s = &shape_table[i];
        printf("%-10s area %8.3f\n", shout(s->name), s->area(s));
    }
    printf("total area %.3f\n", total_area());
    return 0;
}
