#include <pthread.h>
#include <stdio.h>
void ld_set(long);
int ld_get(void);
long mb_add(long);
static void *thread(void *arg) {
    ld_set(1000);
    printf("thread %d %ld\n", ld_get(), mb_add(5));
    return arg;
}
int main(void) {
    pthread_t t;
    ld_set(7);
    mb_add(20);
    pthread_create(&t, 0, thread, 0);
    pthread_join(t, 0);
    printf("main %d %ld\n", ld_get(), mb_add(1));
    return 0;
}
