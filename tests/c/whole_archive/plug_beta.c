extern void register_plugin(const char *, int (*)(int));
static int run_beta(int x) { return x * 4 + 'b'; }
__attribute__((constructor)) static void reg(void) { register_plugin("beta", run_beta); }
