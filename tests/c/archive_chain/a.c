extern int chain_b(int);
const char *chain_name(void) { return "from member a"; }
int chain_a(int x) { return chain_b(x) * 2; }
