/* Link-time warnings from .gnu.warning.SYM sections: our own (lib.c marks old_api deprecated)
   and, in glibc static links, libc.a's warnings for dlopen/getpwnam.  The test compares the
   linker's warning text with bfd's; the calls below are never executed. */
#include <dlfcn.h>
#include <pwd.h>
#include <stdio.h>

int old_api(int);
int new_api(int);
int via_helper(int);

int main(int argc, char **argv)
{
    if (argc > 100) {
        void *h = dlopen(argv[1], RTLD_NOW);
        struct passwd *pw = getpwnam(argv[2]);
        printf("%d %d\n", h != NULL, pw != NULL);
    }
    printf("old_api(4)=%d new_api(4)=%d via_helper(5)=%d\n", old_api(4), new_api(4), via_helper(5));
    return 0;
}
