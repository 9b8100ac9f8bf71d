/* A -shared library with a version script: versioned exports, a local, an import. */
#include <stdlib.h>
int api_lib_counter = 1;
static int api_lib_internal(int x) { return x + api_lib_counter; }
int api_lib_entry(int x) { return api_lib_internal(x) + (getenv("API_LIB_NEVER_SET") != 0); }
int api_lib_hidden_by_script(int x) { return x * 5; }
