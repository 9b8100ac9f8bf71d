__asm__(".tls_common tf_multi,16,32");
extern __thread int tf_multi[8];
__thread long tf_cdef = 9;         /* the real definition of the common tf_cdef */
static __thread int tf_local_b = 5;

long tf_bump_b(int k)
{
    tf_multi[3] += k;
    tf_local_b += k;
    return tf_multi[3] + tf_cdef + tf_local_b;
}
