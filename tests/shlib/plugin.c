/* A dlopen'ed plugin calling back into the executable (which must export host_value: -E). */
int host_value(int);
int plugin_run(int x) { return 2 * host_value(x); }
