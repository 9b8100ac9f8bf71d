#include <pthread.h>
#include <stdio.h>

long tf_lib_bump(int k);

static void *thread_main(void *arg)
{
    printf("thread: %ld\n", tf_lib_bump(5));
    return arg;
}

int main(void)
{
    printf("main: %ld\n", tf_lib_bump(1));
    printf("main: %ld\n", tf_lib_bump(2));
    pthread_t t;
    pthread_create(&t, 0, thread_main, 0);
    pthread_join(t, 0);
    printf("main again: %ld\n", tf_lib_bump(0));
    return 0;
}
