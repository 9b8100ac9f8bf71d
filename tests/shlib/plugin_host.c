#include <dlfcn.h>
#include <stdio.h>
int host_value(int x) { return x + 40; }
int main(int argc, char **argv) {
    (void)argc;
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { printf("dlopen failed\n"); return 1; }
    int (*run)(int) = (int (*)(int))dlsym(h, "plugin_run");
    printf("plugin_run -> %d\n", run(2));
    return 0;
}
