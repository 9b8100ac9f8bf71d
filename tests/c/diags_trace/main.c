/* -t / -y / --dependency-file: objects, an archive (one member needed), a shared library, --as-needed
   libraries (one kept, one dropped), glibc's libc.so script. */
#include <math.h>
#include <stdio.h>

extern int arch_fn(void);
extern int so_fn(void);
int shared_common;
int weak_hook(void) __attribute__((weak));

int main(int argc, char **argv)
{
    (void)argv;
    volatile double d = argc;
    printf("%d %d %d %.1f\n", arch_fn(), so_fn(), weak_hook ? weak_hook() : -1, cos(d - 1.0));
    return shared_common;
}
