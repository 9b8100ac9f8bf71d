/* Built into libbrazeshared.so (with ld.bfd, -fPIC) and linked into the program under test:
   data used directly by the executable (copy relocations in non-PIE), a callback into the
   executable (which must export it), function addresses compared across the boundary, TLS. */
int lib_counter = 5;
const char lib_name[] = "libbrazeshared";
int lib_array[16] = {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987};
__thread int lib_tls = 9;

extern int exe_callback(int);
int lib_fn(int x) { return x * 2; }
int lib_call_exe(int x) { return exe_callback(x) + 1; }
void *lib_addr_of_exe_fn(void) { return (void *)&exe_callback; }
void *lib_addr_of_lib_fn(void) { return (void *)&lib_fn; }
int lib_bump(void) { return ++lib_counter; }
int *lib_counter_addr(void) { return &lib_counter; }
int lib_read_tls(void) { return lib_tls; }
