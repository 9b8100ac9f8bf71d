/* A library with a blocking main: linked with `-shared --lib-main=server_main`, braze's generated
 * _rt0_amd64_linux_lib starts server_main on its own thread when the library is loaded. */
#include <stdatomic.h>
#include <unistd.h>

static atomic_int requests_served;
static atomic_int running;

void server_main(int argc, char **argv, char **envp) {
    (void)argc; (void)argv; (void)envp;
    atomic_store(&running, 1);
    for (;;) {                          /* never returns: a server's main loop */
        atomic_fetch_add(&requests_served, 1);
        usleep(1000);
    }
}

int server_running(void) { return atomic_load(&running); }
int server_requests(void) { return atomic_load(&requests_served); }
int add(int a, int b) { return a + b; }
