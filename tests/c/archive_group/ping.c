extern int pong(int);
int ping(int n) { return n <= 0 ? 0 : 1 + pong(n - 1); }
