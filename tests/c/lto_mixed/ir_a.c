/* Compiled with -flto (IR only). */
int plain_helper(int);
extern int plain_counter;
int lto_table[4] = {1, 2, 3, 4};
static int ir_only_static(int x) { return x + plain_counter; }
int ir_only_global(int x) { return ir_only_static(x) * 2; }     /* referenced only from IR */
__attribute__((weak)) int overridden(void) { return 1; }
int lto_used_from_plain(int x) { return plain_helper(x) + lto_table[1]; }
