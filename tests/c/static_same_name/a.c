static int counter = 100;
static int helper(int x) { return x + counter++; }
int a_api(int x) { static int calls; calls++; return helper(x) * 10 + calls; }
