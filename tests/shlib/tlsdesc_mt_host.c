/* dlopen(argv[1]) lazily, then several threads released at once by a barrier each call the library's
   td_step a few times: every thread must see its own copies of the TLS variables (fresh initial
   values, its own addresses), whichever thread happens to trigger a descriptor's lazy resolution. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 8
static long (*step)(long);
static long *(*addr)(void);
static pthread_barrier_t barrier;
static long result[NTHREADS];
static long *where[NTHREADS];

static void *worker(void *arg) {
    long id = (long)arg;
    pthread_barrier_wait(&barrier);
    long r = 0;
    for (int i = 0; i < 5; i++)
        r = r * 7 + step(id + 1);
    result[id] = r;
    where[id] = addr();
    pthread_barrier_wait(&barrier);     /* all alive: their TLS blocks are distinct */
    return 0;
}

int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_LAZY);
    if (!h) { printf("dlopen failed: %s\n", dlerror()); return 1; }
    step = (long (*)(long))dlsym(h, "td_step");
    addr = (long *(*)(void))dlsym(h, "td_addr");
    if (!step || !addr) { printf("missing symbols\n"); return 1; }
    pthread_t t[NTHREADS];
    pthread_barrier_init(&barrier, 0, NTHREADS);
    for (long i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], 0, worker, (void *)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], 0);
    int distinct = 1;
    for (int i = 0; i < NTHREADS; i++)
        for (int j = 0; j < i; j++)
            distinct &= where[i] != where[j];
    for (int i = 0; i < NTHREADS; i++)
        printf("thread %d: %ld\n", i, result[i]);
    printf("main: %ld, distinct addresses: %d\n", step(100), distinct);
    return dlclose(h) ? 2 : 0;
}
