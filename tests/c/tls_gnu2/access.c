/* Compiled with -fPIC -mtls-dialect=gnu2: TLS descriptors, relaxed by the linker in an executable. */
#include <stdio.h>
extern __thread int d_counter;
extern __thread char d_tag[8];
static __thread int a_local = 1;
__thread int a_global_zero;

int bump(int k)
{
    d_counter += k;
    a_local += k * 3;
    a_global_zero -= k;
    return d_counter + a_local + a_global_zero;
}

void describe(char *buf, unsigned n, int id)
{
    snprintf(buf, n, "id=%d counter=%d local=%d gz=%d tag=%s", id, d_counter, a_local,
             a_global_zero, d_tag);
}

void set_tag(char c) { d_tag[0] = c; }
