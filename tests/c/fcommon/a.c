/* -fcommon tentative definitions shared between objects. */
int common_counter;
char common_buf[16];
int mixed_var;                 /* common here, initialized definition in b.c */
__attribute__((aligned(32))) double common_aligned[4];
void a_bump(void) { common_counter += 1; common_buf[0] = 'a'; }
int a_mixed(void) { return mixed_var; }
