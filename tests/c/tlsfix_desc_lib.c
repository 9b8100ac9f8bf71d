/* The library side of tlsfix_desc: an exported TLS variable, and its own local-dynamic TLSDESC
   accesses (_TLS_MODULE_BASE_ in -shared is the block start, unrelaxed). */
__thread int tf_ext = 77;
static __thread int lib_a = 100;
static __thread long lib_b;

int tf_lib_local(int k)
{
    lib_a += k;
    lib_b += 2 * k;
    return lib_a * 1000 + (int)lib_b;
}
