/* __thread variables in the executable: initialized, zero, arrays, aligned; per-thread copies. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__thread int tls_init = 42;
__thread int tls_zero;
__thread char tls_buf[32] = "main-thread";
static __thread long tls_static = 7;
__thread long tls_big_zero[1000];
__thread double tls_aligned __attribute__((aligned(64))) = 1.5;
static __thread int tls_static_zero;

#define NT 4
static char results[NT][160];

static void fill(char *out, size_t n, int id)
{
    snprintf(out, n, "id=%d init=%d zero=%d buf=%s static=%ld big[999]=%ld aligned=%.2f sz=%d",
             id, tls_init, tls_zero, tls_buf, tls_static, tls_big_zero[999], tls_aligned,
             tls_static_zero);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    char before[160];
    fill(before, sizeof before, id);
    tls_init += id;
    tls_zero = id * 2;
    snprintf(tls_buf, sizeof tls_buf, "thread-%d", id);
    tls_static *= id + 1;
    tls_big_zero[999] = id * 1000;
    tls_aligned += id;
    tls_static_zero = -id;
    char after[160];
    fill(after, sizeof after, id);
    snprintf(results[id], sizeof results[id], "%.70s | %.80s", before + 5, after + 5);
    return NULL;
}

int main(void)
{
    char line[160];
    printf("aligned %% 64 = %lu\n", (unsigned long)((uintptr_t)&tls_aligned % 64));
    fill(line, sizeof line, -1);
    printf("main before: %s\n", line);
    tls_init = 1000;
    strcpy(tls_buf, "changed");
    pthread_t t[NT];
    for (int i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NT; i++)
        printf("thread %d: %s\n", i, results[i]);
    fill(line, sizeof line, -1);
    printf("main after: %s\n", line);
    int *p = &tls_init, *q = &tls_zero;
    printf("distinct addresses: %d\n", p != q);
    return 0;
}
