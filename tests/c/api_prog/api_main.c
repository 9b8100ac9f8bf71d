/* The Python API / size map test program: an archive member pulled by this object, another pulled
   by that member, one never pulled; a function --gc-sections drops; TLS, a common symbol, a
   function pointer (a RELATIVE relocation in a PIE) and libc's stdout (a copy relocation without PIE). */
#include <stdio.h>

extern int api_helper(int);
__thread int api_tls_counter = 5;
int api_common_thing;
int api_data_table[64] = {1, 2, 3};
static int api_square(int x) { return x * x; }
int api_gc_me(int x) { return x * 3; }
int (*api_fp)(int) = api_helper;

int main(void)
{
    api_tls_counter += api_helper(api_square(api_data_table[2]));
    api_common_thing = api_tls_counter;
    fprintf(stdout, "%d %d\n", api_tls_counter, api_common_thing + api_fp(1));
    return 0;
}
