static int counter = 200;
static int helper(int x) { return x - counter--; }
int b_api(int x) { static int calls; calls += 2; return helper(x) * 10 + calls; }
