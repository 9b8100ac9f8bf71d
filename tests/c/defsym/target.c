int real_target(int x) { return x * 7 + 1; }
