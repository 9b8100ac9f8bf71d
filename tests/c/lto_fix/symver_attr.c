/* The symver attribute: GCC's IR symbol table names the versions (ver_api@VERS_1, ver_api@@VERS_2). */
__attribute__((symver("ver_api@VERS_1"))) int ver_old(void) { return 1; }
__attribute__((symver("ver_api@@VERS_2"))) int ver_new(void) { return 2; }
int ver_call(void) { return ver_new() * 10; }
