/* A -fPIC library exercising what a shared object needs from the linker: exported data and
   functions, hidden/protected/internal visibility, data pointers (RELATIVE vs symbolic 64), PLT
   calls to libc, TLS in every model, constructors and destructors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_counter = 5;
const char *api_greeting = "hello";
__thread int api_tls_gd = 7;
static __thread int tls_ld = 9;
__attribute__((tls_model("initial-exec"))) __thread int api_tls_ie = 11;
__attribute__((visibility("hidden"))) int api_hidden(void) { return 100; }
__attribute__((visibility("protected"))) int api_protected(void) { return 200; }
__attribute__((visibility("internal"))) int api_internal(void) { return 300; }
__attribute__((weak)) int api_weak(void) { return 400; }
int api_preemptible(void) { return 500; }
int *api_ptr = &api_counter;
int (*api_fptrs[])(void) = { api_hidden, api_protected, api_internal, api_weak, api_preemptible };
static char buffer[64];

int api_sum(int x) {
    int s = x + api_counter + api_tls_gd + ++tls_ld + api_tls_ie + *api_ptr;
    for (unsigned i = 0; i < sizeof api_fptrs / sizeof *api_fptrs; i++)
        s += api_fptrs[i]();
    return s + api_preemptible();
}

const char *api_describe(void) {
    snprintf(buffer, sizeof buffer, "%s:%d:%zu", api_greeting, api_sum(1), strlen(api_greeting));
    return buffer;
}

__attribute__((constructor)) static void api_ctor(void) { api_counter += 1; }
__attribute__((destructor)) static void api_dtor(void) { if (getenv("API_DTOR")) fputs("api dtor\n", stderr); }
int api_init_fn(void) { api_counter += 10; return 0; }
int api_fini_fn(void) { if (getenv("API_DTOR")) fputs("api fini\n", stderr); return 0; }

/* Referenced by nothing: --gc-sections removes it, and with it the library's only use of puts (bfd
   then imports no puts); an unused data object goes too. */
__attribute__((visibility("hidden"))) int api_unused_hidden(void) { return puts("never called"); }
__attribute__((visibility("hidden"))) int api_unused_table[256] = { 1 };
