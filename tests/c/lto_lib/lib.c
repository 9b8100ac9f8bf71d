/* A -flto -shared library: the version script exports api_* and hides the rest. */
static int internal_state = 3;
int helper_hidden(int x) { return x + internal_state; }
int api_add(int a, int b) { return helper_hidden(a) + b; }
int api_mul(int a, int b) { return a * b + helper_hidden(0); }
int api_value = 42;
__attribute__((weak)) int api_weak(void) { return 5; }
int not_exported(void) { return -1; }
