namespace ns { int f(int x) { return x * 2; } }
