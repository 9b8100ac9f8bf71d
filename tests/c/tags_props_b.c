#include <stdio.h>

double tags_dot(const double *a, const double *b, int n);

int main(void)
{
    double a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    printf("%g\n", tags_dot(a, a, 8));
    return 0;
}
