__thread short tl_plain = 7;
__thread int tl_plain_b[3];
int plain_get(void) { tl_plain_b[1] = tl_plain; return tl_plain_b[1] + 1; }
