/* Every TLS access model (GD/LD/IE/LE) against the same variables, in several threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define DECL(m) extern int m##_touch(int); extern int *m##_addr_init(void); extern int *m##_addr_local(void);
DECL(gd) DECL(ld) DECL(ie) DECL(le)
extern __thread int tv_init;
extern __thread int gd_global, ld_global, ie_global, le_global;

static char out[4][200];

static void run(char *buf, size_t n, int id)
{
    int a = gd_touch(id + 1), b = ld_touch(id + 2), c = ie_touch(id + 3), d = le_touch(id + 4);
    int same = gd_addr_init() == &tv_init && ld_addr_init() == &tv_init &&
               ie_addr_init() == &tv_init && le_addr_init() == &tv_init;
    int distinct = gd_addr_local() != ld_addr_local() && ie_addr_local() != le_addr_local();
    snprintf(buf, n, "id=%d gd=%d ld=%d ie=%d le=%d tv_init=%d globals=%d,%d,%d,%d same=%d distinct=%d",
             id, a, b, c, d, tv_init, gd_global, ld_global, ie_global, le_global, same, distinct);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    run(out[id], sizeof out[id], id);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 1; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 1; i < 4; i++)
        pthread_join(t[i], NULL);
    run(out[0], sizeof out[0], 0);
    for (int i = 0; i < 4; i++)
        printf("%s\n", out[i]);
    return 0;
}
