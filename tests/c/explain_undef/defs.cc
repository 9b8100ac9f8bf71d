/* C++ definitions the other sources reach with the wrong linkage, signature or scope */
int cfunc(int x) { return x; }
namespace ns { int other(int x) { return x; } }
int sig(long x) { return (int)x; }
