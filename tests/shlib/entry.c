/* A library with a library-init entry and no constructor of its own (unless -DCTORS): the entry
   records that it ran, how often, and the argc the loader passed; INIT_LOG names a file that gets
   one line per init function, in call order. */
#include <stdio.h>
#include <stdlib.h>

static int runs, seen_argc = -1;

static void record(const char *what) {
    const char *path = getenv("INIT_LOG");
    if (path) {
        FILE *f = fopen(path, "a");
        if (f) { fprintf(f, "%s\n", what); fclose(f); }
    }
}

#ifdef LOCAL_ENTRY
static
#endif
void ENTRY(int argc, char **argv, char **envp) {
    char line[64];
    (void)argv; (void)envp;
    runs++;
    seen_argc = argc;
    snprintf(line, sizeof line, "entry argc=%d", argc);
    record(line);
}

#ifdef LOCAL_ENTRY
void *keep_entry = (void *)ENTRY;
#endif

#ifdef CTORS
__attribute__((constructor(101))) static void ctor_101(void) { record("ctor 101"); }
__attribute__((constructor(65000))) static void ctor_65000(void) { record("ctor 65000"); }
__attribute__((constructor)) static void ctor_plain(void) { record("ctor"); }
#endif

#ifdef OWN_SLOT
/* what Go's go.o carries: an .init_array slot that already calls the entry */
__attribute__((section(".init_array"), used)) static void *own_slot = (void *)ENTRY;
#endif

int entry_runs(int x) { (void)x; return runs; }
int entry_argc(int x) { (void)x; return seen_argc; }
