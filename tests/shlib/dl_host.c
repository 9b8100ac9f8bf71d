/* dlopen(argv[1]) and call the functions named in argv[2..] as int f(int) with argument 3 (or as
   const char *f(void) when the name ends in "describe"). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!h) { printf("dlopen failed: %s\n", dlerror()); return 1; }
    for (int i = 2; i < argc; i++) {
        void *f = dlsym(h, argv[i]);
        if (!f) { printf("%s: missing\n", argv[i]); continue; }
        size_t n = strlen(argv[i]);
        if (n >= 8 && !strcmp(argv[i] + n - 8, "describe"))
            printf("%s -> %s\n", argv[i], ((const char *(*)(void))f)());
        else
            printf("%s -> %d\n", argv[i], ((int (*)(int))f)(3));
    }
    fflush(stdout);
    return dlclose(h) ? 2 : 0;
}
