/* -mcmodel=large -fPIC TLS: the __tls_get_addr call is `movabs $__tls_get_addr@PLTOFF,%rax;
   add %rbx,%rax; call *%rax` (R_X86_64_PLTOFF64 after R_X86_64_TLSGD/TLSLD). In an executable bfd
   relaxes GD (global defined here) to LE, GD (from a library, unless NO_EXT) to IE and LD to LE. */
#include <pthread.h>
#include <stdio.h>

__thread int tf_gd = 11;
static __thread int tf_la = 1, tf_lb = 2;
int tf_r15(int k);      /* tlsfix_large_r15.s: the same sequences with %r15 */
#ifndef NO_EXT
extern __thread int tf_lext;
int tf_large_lib(int k);
#endif

__attribute__((noinline)) int tf_gd_le(int k)
{
    return tf_gd += k;
}

__attribute__((noinline)) int tf_ld_le(int k)
{
    tf_la += k;
    tf_lb += 2 * k;
    return tf_la * 100 + tf_lb;
}

__attribute__((noinline)) int tf_gd_ie(int k)
{
#ifndef NO_EXT
    return (tf_lext += k) + tf_large_lib(k);
#else
    return k;
#endif
}

static void *thread_main(void *arg)
{
    printf("thread: %d %d %d %d\n", tf_gd_le(5), tf_ld_le(5), tf_gd_ie(5), tf_r15(5));
    return arg;
}

int main(void)
{
    int r = 0;
    for (int i = 1; i < 4; i++)
        r += tf_gd_le(i) + tf_ld_le(i) + tf_gd_ie(i) + tf_r15(i);
    printf("main: %d %d %d %d\n", r, tf_gd, tf_la, tf_lb);
    pthread_t t;
    pthread_create(&t, 0, thread_main, 0);
    pthread_join(t, 0);
    printf("main again: %d %d %d %d\n", tf_gd_le(0), tf_ld_le(0), tf_gd_ie(0), tf_r15(0));
    return 0;
}
