/* Data objects defined in libc used directly from the program: in a non-PIE build these are
   copy relocations; aliases (environ/__environ) must stay aliases, and libc must see our writes. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
extern char **__environ;

int main(int argc, char **argv)
{
    fprintf(stdout, "via stdout\n");
    printf("stdout fileno=%d stderr fileno=%d\n", fileno(stdout), fileno(stderr));
    printf("environ alias: %d\n", &environ == &__environ);
    printf("program_invocation_short_name=%s\n", program_invocation_short_name);
    printf("argv[0]=%s\n", argv[0]);

    int opt;
    opterr = 0;   /* libc's getopt must see this write */
    while ((opt = getopt(argc, argv, "ab:c")) != -1) {
        if (opt == 'b')
            printf("opt b=%s\n", optarg);
        else if (opt == '?')
            printf("unknown opt %c (silenced by opterr=0)\n", optopt);
        else
            printf("opt %c\n", opt);
    }
    printf("optind=%d rest=%s\n", optind, optind < argc ? argv[optind] : "(none)");

    tzset();
    printf("timezone=%ld daylight=%d tzname0=%s\n", timezone, daylight, tzname[0]);
    errno = ENOSPC;
    printf("errno=%s\n", strerror(errno));
    setvbuf(stderr, NULL, _IONBF, 0);
    fprintf(stderr, "stderr ok\n");
    return 0;
}
