/* References to functions libc.so.6 carries .gnu.warning.SYM sections for, from two functions
   (bfd prints the warnings in the library's section order, each at the first reference). */
#include <stdio.h>
#include <stdlib.h>

char *use_tmpnam(char *b) { return tmpnam(b); }

int main(int argc, char **argv)
{
    char b[64] = "diagsXXXXXX";
    (void)argv;
    if (argc > 5) {
        free(tempnam("/tmp", "x"));
        use_tmpnam(b);
        mktemp(b);
    }
    puts("ok");
    return 0;
}
