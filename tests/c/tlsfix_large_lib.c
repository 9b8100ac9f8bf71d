/* Built -mcmodel=large -fPIC into a -shared library: GD and LD sequences stay unrelaxed
   (GOT pairs, the PLTOFF64 call through __tls_get_addr's PLT entry). */
__thread int tf_lext = 77;
static __thread int tf_lla = 3, tf_llb;

int tf_large_lib(int k)
{
    tf_lla += k;
    tf_llb += 3 * k;
    return tf_lla * 1000 + tf_llb + tf_lext;
}
