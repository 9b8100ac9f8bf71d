/* -z pack-relative-relocs: loads the library named by argv[1] and runs its lib_run */
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    void *h = dlopen(argc > 1 ? argv[1] : "", RTLD_NOW);
    if (!h) { printf("%s\n", dlerror()); return 1; }
    int (*f)(void) = (int (*)(void))dlsym(h, "lib_run");
    return f ? f() : 2;
}
