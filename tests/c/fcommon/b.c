int common_counter;
char common_buf[64];           /* larger than in a.c: the larger size wins */
int mixed_var = 5;
double common_aligned[4];
void b_bump(void) { common_counter += 10; common_buf[63] = 'b'; }
