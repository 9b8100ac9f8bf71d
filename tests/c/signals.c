/* Signals: raise with handlers (signal and sigaction with SA_SIGINFO), masks, SIG_IGN. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t usr1_count, usr2_count, last_code;

static void on_usr1(int sig) { if (sig == SIGUSR1) usr1_count++; }

static void on_usr2(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (sig == SIGUSR2) {
        usr2_count++;
        last_code = si->si_code;
    }
}

static void on_fpe(int sig) { (void)sig; usr1_count += 100; }

int main(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);  /* do not depend on an inherited signal mask */
    signal(SIGUSR1, on_usr1);
    for (int i = 0; i < 3; i++)
        raise(SIGUSR1);
    printf("usr1_count=%d\n", (int)usr1_count);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("usr2_count=%d code_is_tkill=%d\n", (int)usr2_count, last_code == SI_TKILL);

    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigpending(&pending);
    printf("blocked, pending=%d count=%d\n", sigismember(&pending, SIGUSR1), (int)usr1_count);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("unblocked count=%d\n", (int)usr1_count);

    signal(SIGFPE, on_fpe);
    raise(SIGFPE);
    printf("after SIGFPE count=%d\n", (int)usr1_count);

    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    printf("ignored SIGTERM, still alive\n");
    printf("strsignal(SIGINT)=%s\n", strsignal(SIGINT));
    return 0;
}
