static int cnt = 3;
__attribute__((noinline)) static int helper(int x) { return x - cnt++; }
int f_three(int x) { return helper(x); }
