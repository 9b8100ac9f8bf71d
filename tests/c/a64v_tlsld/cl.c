/* local-dynamic TLS from clang (its -aarch64-elf-ldtls-generation: TLSDESC for _TLS_MODULE_BASE_,
   then TLSLD_ADD_DTPREL_HI12/LO12_NC) */
static __thread long g;
static __thread long big[1000] = {3};
long cl_add(long v) { g += v; big[999] += g; return g + big[0] + big[999]; }
