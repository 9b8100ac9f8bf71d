#include "registry.h"
static int inc(int x) { return x + 1; }
static int sq(int x) { return x * x; }
REGISTER(a_inc, "a.inc", inc, 1);
REGISTER(a_sq, "a.sq", sq, 2);
