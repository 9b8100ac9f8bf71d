extern int counter;
void lib_fn(int x) { counter += 100 * x; }
