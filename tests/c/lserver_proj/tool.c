#include "shape.h"
#include <stdio.h>

int main(void) {
    int v[] = { 10, 20 };
    printf("tool %s %d\n", util_name(2), util_sum(v, 2));
    return 3;
}
