/* The blocking "main" of a library linked with --lib-main=lib_main: it sets a flag and then never
   returns. Exported functions keep working while it runs. */
#include <stdatomic.h>
#include <unistd.h>

static atomic_int started;
static int main_argc = -1;

int lib_main(int argc, char **argv, char **envp) {
    (void)argv; (void)envp;
    main_argc = argc;
    atomic_store(&started, 1);
    for (;;)
        pause();
}

/* waits up to 5 s for lib_main to start; main_started_now does not wait */
int main_started(int x) {
    (void)x;
    for (int i = 0; i < 1000 && !atomic_load(&started); i++)
        usleep(5000);
    return atomic_load(&started);
}
int main_started_now(int x) { (void)x; return atomic_load(&started); }
int main_argc_seen(int x) { (void)x; return main_argc; }
int add_seven(int x) { return x + 7; }
