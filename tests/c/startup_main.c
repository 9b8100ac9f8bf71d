#include <stdio.h>
#include <stdlib.h>

int startup_lib_value(int x);

int main(int argc, char **argv) {
    (void)argv;
    printf("startup %d\n", startup_lib_value(argc));
    return 3;
}
