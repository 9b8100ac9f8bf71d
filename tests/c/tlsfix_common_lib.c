/* A shared library whose thread-local common lives in its own .tbss (reached by GD, or TLSDESC). */
__asm__(".tls_common tf_libc,24,8");
extern __thread long tf_libc[3];
__thread int tf_lib_init = 4;

long tf_lib_bump(int k)
{
    tf_libc[0] += k;
    tf_libc[2] += 2 * k;
    tf_lib_init += k;
    return tf_libc[0] * 100 + tf_libc[2] + tf_lib_init;
}
