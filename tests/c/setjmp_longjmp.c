/* setjmp/longjmp, including jumps out of deep recursion and function-pointer calls; sigsetjmp. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static sigjmp_buf senv;
static int depth_reached;

static void recurse(int n)
{
    depth_reached = n;
    if (n == 50)
        longjmp(env, n);
    recurse(n + 1);
}

static void thrower(int code) { longjmp(env, code); }
static void (*volatile indirect)(int) = thrower;

static void on_usr1(int sig)
{
    (void)sig;
    siglongjmp(senv, 7);
}

int main(void)
{
    volatile int rounds = 0;
    int r = setjmp(env);
    rounds++;
    if (r == 0) {
        printf("first pass\n");
        recurse(0);
    } else if (r == 50) {
        printf("returned from recursion depth=%d rounds=%d\n", depth_reached, rounds);
        indirect(0);  /* longjmp(env, 0) must deliver 1 */
    } else if (r == 1) {
        printf("longjmp with 0 gave %d rounds=%d\n", r, rounds);
    }
    if (rounds < 3)
        return 1;

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGUSR1, on_usr1);
    volatile int caught = 0;
    int s = sigsetjmp(senv, 1);
    if (s == 0) {
        raise(SIGUSR1);
        printf("not reached\n");
    } else {
        caught = s;
    }
    printf("sigsetjmp returned %d\n", caught);

    /* the signal mask was restored, so a second delivery works */
    s = sigsetjmp(senv, 1);
    if (s == 0)
        raise(SIGUSR1);
    printf("second sigsetjmp returned %d\n", s);
    return 0;
}
