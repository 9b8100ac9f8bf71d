extern int counter;
void other_fn(int x) { counter += 10 * x; }
