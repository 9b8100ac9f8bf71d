/* dlopen(argv[1]); for each NAME or NAME@VERSION: call it through dlsym/dlvsym, or print -1 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { printf("dlopen failed\n"); return 1; }
    for (int i = 2; i < argc; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s", argv[i]);
        char *at = strchr(name, '@');
        void *p;
        if (at) { *at = 0; p = dlvsym(h, name, at + 1); } else p = dlsym(h, name);
        printf("%s=%d\n", argv[i], p ? ((int (*)(void))p)() : -1);
    }
    return 0;
}
