/* liba.a member needed only by libb.a's pong.o */
int ping_tail(int n) { return n * 1000; }
