extern void register_plugin(const char *, int (*)(int));
static int run_alpha(int x) { return x * 5 + 'a'; }
__attribute__((constructor)) static void reg(void) { register_plugin("alpha", run_alpha); }
