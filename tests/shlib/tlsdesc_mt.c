/* TLS variables reached through TLS descriptors (-mtls-dialect=gnu2) from a dlopen'ed library: an
   exported one (ld.so resolves it by name), a static one and a hidden one (resolved by offset, via
   _TLS_MODULE_BASE_ at -O2), and an array too big for glibc's static TLS surplus, so that every
   thread's block is allocated on its first access through a descriptor. */
__thread long td_exported = 1000;
static __thread long td_static = 20;
__attribute__((visibility("hidden"))) __thread long td_hidden = 300;
__thread long td_big[4096];

long td_step(long id) {
    td_exported += id;
    td_static += 2 * id;
    td_hidden += 3 * id;
    td_big[id % 4096] += id;
    td_big[4095] += 1;
    return td_exported + td_static + td_hidden + td_big[id % 4096] + td_big[4095];
}

long *td_addr(void) {
    return &td_exported;
}
