/* printf/strtod of doubles and long doubles in many formats. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    volatile double vals[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 123456789.125, 1e-300,
                              6.02214076e23, DBL_MAX, DBL_MIN, DBL_EPSILON, -2.5e-8};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double d = vals[i];
        printf("%%f=%f %%e=%e %%g=%g %%.17g=%.17g %%a=%a\n", d, d, d, d, d);
    }
    printf("inf=%f -inf=%f nan=%f\n", INFINITY, -INFINITY, NAN);
    printf("width: [%12.4f] [%-12.3e] [%+g] [% .0f] [%#g]\n", 3.14159, 2.71828, 1.5, 2.5, 1.0);
    volatile long double ld = 1.0L / 3.0L;
    printf("long double: %.20Lf %Lg\n", ld, ld * 1e100L);
    const char *inputs[] = {"3.25", "-1e-5", "0x1.8p3", "1e400", "abc", "  42.5xyz"};
    for (int i = 0; i < 6; i++) {
        char *end;
        double d = strtod(inputs[i], &end);
        printf("strtod(%s)=%.10g rest=[%s]\n", inputs[i], d, end);
    }
    double acc = 0;
    for (int i = 1; i <= 1000; i++)
        acc += 1.0 / ((double)i * i);
    printf("basel partial=%.15f\n", acc);
    float f = 16777217.0f;
    printf("float=%.1f\n", (double)f);
    return 0;
}
