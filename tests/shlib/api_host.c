/* Linked against libapi.so at link time: uses its data directly (copy relocation in a non-PIE). */
#include <stdio.h>
extern int api_counter;
extern const char *api_greeting;
extern __thread int api_tls_gd;
int api_sum(int);
const char *api_describe(void);
int api_preemptible(void) { return 7; }      /* interposes the library's definition */
int main(void) {
    printf("%s %d %d %s %d\n", api_describe(), api_sum(2), api_counter, api_greeting, api_tls_gd);
    return 0;
}
