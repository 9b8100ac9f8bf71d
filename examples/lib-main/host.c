/* dlopen must return at once although the library's main never returns; then the library's
 * functions work while its main runs on its own thread, and the process exits normally. */
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    double t0 = now();
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    printf("dlopen returned promptly: %s\n", now() - t0 < 2.0 ? "yes" : "no");
    int (*running)(void) = (int (*)(void))dlsym(h, "server_running");
    int (*requests)(void) = (int (*)(void))dlsym(h, "server_requests");
    int (*add)(int, int) = (int (*)(int, int))dlsym(h, "add");
    if (!running || !requests || !add) { fprintf(stderr, "dlsym failed\n"); return 1; }
    for (int i = 0; i < 2000 && !(running() && requests() > 3); i++)
        usleep(1000);
    printf("library main running on its own thread: %s\n", running() && requests() > 3 ? "yes" : "no");
    printf("exported function while main runs: add(2, 3) = %d\n", add(2, 3));
    return 0;
}
