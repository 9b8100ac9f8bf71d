/* The process dies from a signal after printing: the status must propagate. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static void never(void) { printf("atexit must not run\n"); }

int main(void)
{
    atexit(never);
    printf("about to die\n");
    fprintf(stderr, "stderr before death\n");
    fflush(stdout);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("survived?\n");
    return 0;
}
