/* Hosted (glibc, -static) program for tests/scripts/hosted/static_glibc.ld: stdio, string functions
   (IFUNCs: IRELATIVE relocations the script brackets), TLS, a constructor, a custom section whose
   bounds the script PROVIDEs, and a C++-free exception path through setjmp. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__thread int tls_counter = 3;
__attribute__((section("mysec"), used)) static const char tag[] = "custom";
extern char my_start[], my_stop[];
static jmp_buf jb;

static void __attribute__((constructor)) init(void) { tls_counter += 4; }

static void fail(int n) { longjmp(jb, n); }

int main(int argc, char **argv)
{
    char buf[64];
    strcpy(buf, "hello");
    strcat(buf, " world");
    int r = setjmp(jb);
    if (!r)
        fail(5);
    printf("%s len=%zu tls=%d mysec=%ld %s jmp=%d argc=%d\n", buf, strlen(buf), tls_counter,
           (long)(my_stop - my_start), my_start, r, argc);
    return 3;
}
