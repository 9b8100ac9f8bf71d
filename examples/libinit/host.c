/* Loads a plugin with dlopen and asks it whether its runtime is initialised. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    const char *(*status)(char *, int) = (const char *(*)(char *, int))dlsym(h, "plugin_status");
    if (!status) { fprintf(stderr, "dlsym: %s\n", dlerror()); return 1; }
    char buf[128];
    printf("%s\n", status(buf, sizeof buf));
    return 0;
}
