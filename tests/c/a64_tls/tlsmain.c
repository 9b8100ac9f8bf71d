/* TLS in every model the cross compiler chooses for the case's flags: extern and static
   variables, initialised (.tdata) and zero (.tbss), an aligned block, and threads. */
#include <pthread.h>
#include <stdio.h>

extern __thread int ext_counter;
extern __thread char ext_name[16];
extern int bump_ext(void);
static __thread int local_a = 7;
static __thread long local_b;
__thread int glob_tls = 100;
static __thread double aligned_tls __attribute__((aligned(64))) = 2.5;

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    local_a += id;
    local_b = id * 1000L;
    glob_tls += id;
    ext_counter = id;
    for (int i = 0; i < id; i++)
        bump_ext();
    aligned_tls *= id;
    printf("thread %d: %d %ld %d %d %s %.1f %d\n", id, local_a, local_b, glob_tls, ext_counter,
           ext_name, aligned_tls, (int)((unsigned long)&aligned_tls % 64));
    return NULL;
}

int main(void)
{
    for (int i = 1; i <= 3; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, (void *)(long)i);
        pthread_join(t, NULL);
    }
    worker((void *)0L);
    return 0;
}
