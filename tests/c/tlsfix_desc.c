/* TLSDESC (-mtls-dialect=gnu2) in an executable: static __thread variables reached through the
   local-dynamic base _TLS_MODULE_BASE_ (relaxed to LE: TP offset 0), a global defined here
   (GDesc -> LE) and, unless NO_EXT, one from a shared library (GDesc -> IE). */
#include <pthread.h>
#include <stdio.h>

static __thread int tf_a = 5;
static __thread long tf_b = 7;
static __thread char tf_c[3] = {1, 2, 3};
static __thread int tf_z;
__thread int tf_global = 40;
#ifndef NO_EXT
extern __thread int tf_ext;
int tf_lib_local(int k);
#endif

__attribute__((noinline)) long tf_touch(int k)
{
    tf_a += k;
    tf_b *= 2;
    tf_c[1] += k;
    tf_z += 3;
    return tf_a + tf_b + tf_c[1] + tf_c[2] + tf_z;
}

__attribute__((noinline)) int tf_gdesc(int k)
{
    return tf_global += k;
}

__attribute__((noinline)) int tf_ie(int k)
{
#ifndef NO_EXT
    return (tf_ext += k) + tf_lib_local(k);
#else
    return k;
#endif
}

static void *thread_main(void *arg)
{
    long r = tf_touch(10) + tf_gdesc(1) + tf_ie(2);
    printf("thread: %ld a=%d b=%ld c=%d,%d z=%d\n", r, tf_a, tf_b, tf_c[0], tf_c[1], tf_z);
    return arg;
}

int main(void)
{
    long r = 0;
    for (int i = 0; i < 3; i++)
        r += tf_touch(i) + tf_gdesc(i) + tf_ie(i);
    printf("main: %ld a=%d b=%ld c=%d,%d,%d z=%d g=%d\n", r, tf_a, tf_b, tf_c[0], tf_c[1], tf_c[2], tf_z,
           tf_global);
    pthread_t t;
    pthread_create(&t, 0, thread_main, 0);
    pthread_join(t, 0);
    printf("main again: a=%d g=%d ie=%d\n", tf_a, tf_global, tf_ie(0));
    return 0;
}
