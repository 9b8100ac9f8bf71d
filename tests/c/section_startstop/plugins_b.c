#include "registry.h"
int neg(int x) { return -x; }
REGISTER(b_neg, "b.neg", neg, 3);
