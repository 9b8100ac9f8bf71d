extern int ping(int);
extern int ping_tail(int);
int pong(int n) { return n <= 0 ? ping_tail(7) : 10 + ping(n - 1); }
