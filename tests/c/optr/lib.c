__attribute__((noinline)) static int square(int x) { return x * x; }
int table_entry = 7;
int compute(int x) { return square(x) + table_entry; }
int via_compute(int x) { return compute(x); }
