/* libm functions (linked with -lm); inputs are volatile so the calls really happen. */
#include <math.h>
#include <stdio.h>

int main(void)
{
    volatile double xs[] = {0.5, 1.0, 2.0, 3.14159265358979, 10.0, 1e-3};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        printf("x=%g sin=%.10f cos=%.10f exp=%.10g log=%.10f sqrt=%.10f cbrt=%.10f\n", x, sin(x),
               cos(x), exp(x), log(x), sqrt(x), cbrt(x));
        printf("  pow=%.10g atan2=%.10f hypot=%.10f fmod=%.10f lgamma=%.10f tanh=%.10f\n",
               pow(x, 1.5), atan2(x, 1.0 + x), hypot(x, 3.0), fmod(x * 7, 3.0), lgamma(x + 1),
               tanh(x));
    }
    volatile float f = 2.0f;
    printf("sinf=%.6f expf=%.6f\n", (double)sinf(f), (double)expf(f));
    printf("round=%.1f floor=%.1f ceil=%.1f trunc=%.1f lrint=%ld\n", round(2.5), floor(-2.5),
           ceil(-2.5), trunc(-2.7), lrint(3.5));
    printf("isnan=%d isinf=%d\n", isnan(sqrt(-(double)xs[1])) != 0, isinf(exp(1000.0 * xs[4])) != 0);
    return 0;
}
