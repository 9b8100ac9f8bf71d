/* a libm reference: --as-needed keeps libm.so.6 for it (bfd's map names the first symbol that did) */
#include <math.h>
double explain_g(double x) { return cos(x) + sqrt(x); }
