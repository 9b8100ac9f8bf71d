__asm__(".tls_common tf_multi,32,8");
__asm__(".tls_common tf_cdef,8,8");
extern __thread int tf_multi[8];
extern __thread long tf_cdef;

long tf_bump_a(int k)
{
    tf_multi[1] += k;
    tf_multi[7] += k;
    tf_cdef += k;
    return tf_multi[1] + tf_multi[7] + tf_cdef;
}
