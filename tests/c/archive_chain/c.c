const int c_table[4] = {100, 200, 300, 400};
int chain_c(int x) { return x * x; }
