#include "shape.h"

static const char *names[] = { "alpha", "beta", "gamma" };
int util_sum(const int *v, int n) { int s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
const char *util_name(int i) { return names[i % 3]; }
