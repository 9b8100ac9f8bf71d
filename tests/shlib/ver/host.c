/* Binds foo and qux at link time (default versions) and foo@VERS_1 / qux@VERS_1 through .symver
   references, then looks both versions up with dlvsym. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

extern int foo(void), qux(void), bar(void);
extern int foo_old(void), qux_old_ref(void);
__asm__(".symver foo_old, foo@VERS_1");
__asm__(".symver qux_old_ref, qux@VERS_1");

static int call(void *h, const char *name, const char *ver) {
    int (*f)(void) = ver ? (int (*)(void))dlvsym(h, name, ver) : (int (*)(void))dlsym(h, name);
    return f ? f() : -1;
}

int main(void) {
    printf("link-time: foo=%d foo@VERS_1=%d qux=%d qux@VERS_1=%d bar=%d\n", foo(), foo_old(), qux(),
           qux_old_ref(), bar());
    void *h = dlopen("libv.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    printf("dlvsym: foo@VERS_1=%d foo@VERS_2=%d qux@VERS_1=%d qux@VERS_2=%d foo@NOPE=%d\n",
           call(h, "foo", "VERS_1"), call(h, "foo", "VERS_2"), call(h, "qux", "VERS_1"),
           call(h, "qux", "VERS_2"), call(h, "foo", "NOPE"));
    printf("dlsym: foo=%d qux=%d bar=%d\n", call(h, "foo", 0), call(h, "qux", 0), call(h, "bar", 0));
    return 0;
}
