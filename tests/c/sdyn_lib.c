/* A shared library for tests/test_scripts_dynamic.py: data, RELRO pointers, a constructor. */
static const char *const words[] = {"one", "two"};
int lib_counter = 10;
static int lib_tls = 4;
static int ready;

__attribute__((constructor)) static void lib_init(void) { ready = 1; }

int lib_value(int x) { return x + lib_counter + lib_tls + ready + (int)words[1][0]; }
const char *lib_describe(void) { return words[ready]; }
