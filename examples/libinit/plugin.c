/* A library that initialises its "runtime" the way Go's c-shared libraries do: through the
 * library-init entry _rt0_amd64_linux_lib, which braze puts first in .init_array. There is no
 * constructor here: with GNU ld nothing calls the entry. */
#include <stdio.h>

static int init_calls;
static int init_argc = -1;

void _rt0_amd64_linux_lib(int argc, char **argv, char **envp) {
    (void)argv; (void)envp;
    init_calls++;
    init_argc = argc;
}

const char *plugin_status(char *buf, int len) {
    if (init_calls == 0)
        snprintf(buf, len, "runtime not initialised (the init entry never ran)");
    else
        snprintf(buf, len, "runtime initialised by the init entry: %d call(s), argc=%d", init_calls, init_argc);
    return buf;
}
