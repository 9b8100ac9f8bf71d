int lto_fn(int x) { return x * 3; }
