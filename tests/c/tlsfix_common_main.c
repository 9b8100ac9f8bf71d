/* Thread-local COMMON symbols (`.tls_common`, what `-fcommon` once gave `__thread int x;`): they
   belong in .tbss, one copy per thread. tf_multi is common in three objects (the largest size and the
   largest alignment win); tf_cdef is common here and in tlsfix_common_a, defined in tlsfix_common_b
   (the definition wins). */
#include <pthread.h>
#include <stdio.h>

__asm__(".tls_common tf_multi,4,4");
__asm__(".tls_common tf_cdef,8,8");
extern __thread int tf_multi[8];
extern __thread long tf_cdef;
__thread int tf_init = 3;          /* .tdata and .tbss inputs around the commons */
__thread int tf_zero;

long tf_bump_a(int k);
long tf_bump_b(int k);

static void *thread_main(void *arg)
{
    /* a fresh thread sees fresh copies */
    printf("thread start: %d %d %ld %d %d\n", tf_multi[0], tf_multi[7], tf_cdef, tf_init, tf_zero);
    long r = tf_bump_a(100) + tf_bump_b(1000);
    printf("thread: %ld %d %d %ld\n", r, tf_multi[0], tf_multi[7], tf_cdef);
    return arg;
}

int main(void)
{
    tf_multi[0] = 1;
    tf_multi[7] = 7;
    tf_zero = 2;
    long r = tf_bump_a(1) + tf_bump_b(2);
    printf("main: %ld %d %d %ld %d %d\n", r, tf_multi[0], tf_multi[7], tf_cdef, tf_init, tf_zero);
    pthread_t t;
    pthread_create(&t, 0, thread_main, 0);
    pthread_join(t, 0);
    printf("main again: %d %d %ld\n", tf_multi[0], tf_multi[7], tf_cdef);
    return 0;
}
