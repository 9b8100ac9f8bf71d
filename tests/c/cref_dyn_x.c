/* --cref: a versioned library loaded only for DT_NEEDED (libcrefy needs it); uses libm. */
#include <math.h>
int xf(double d) { return (int)sqrt(d); }
__attribute__((weak)) int xw(void) { return 1; }
