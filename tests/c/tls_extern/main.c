/* Extern TLS defined in another object, accessed from several threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

extern __thread int shared_counter;
extern __thread char shared_name[16];
extern __thread long shared_zero[4];
extern int get_counter_local(void);

static char out[3][96];

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    int before = shared_counter;
    shared_counter += id * 10;
    snprintf(shared_name, sizeof shared_name, "worker%d", id);
    shared_zero[3] = id;
    snprintf(out[id], sizeof out[id], "before=%d after=%d local=%d name=%s zero3=%ld", before,
             shared_counter, get_counter_local(), shared_name, shared_zero[3]);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    shared_counter = 5;
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++)
        printf("%s\n", out[i]);
    printf("main: counter=%d local=%d name=%s zero3=%ld\n", shared_counter, get_counter_local(),
           shared_name, shared_zero[3]);
    return 0;
}
