/* -z unique-symbol: the same static names in several objects (and a name already ending in .N). */
static int cnt = 1;
__attribute__((noinline)) static int helper(int x) { return x + cnt++; }
int f_one(int x) { return helper(x); }
