#include "shape.h"
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    struct shape s = { argc + 2, 5 };
    shape_print(s);
    int v[] = { 1, 2, 3, 4 };
    printf("%s sum=%d count=%d\n", util_name(argc), util_sum(v, 4), shape_count());
    return (int)strlen(util_name(argc + 1));
}
