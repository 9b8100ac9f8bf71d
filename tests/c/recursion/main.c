/* Recursion and deep call chains (100k frames across two objects). */
#include <stdio.h>
extern int is_even(unsigned), is_odd(unsigned);
static unsigned long ack(unsigned long m, unsigned long n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static long hanoi(int n, int from, int to, int via)
{
    if (n == 0) return 0;
    return hanoi(n - 1, from, via, to) + 1 + hanoi(n - 1, via, to, from);
}
static int chain(int depth, int acc) { return depth == 0 ? acc : chain(depth - 1, acc ^ (depth * 31)); }
int main(void)
{
    printf("is_even(100000)=%d is_odd(77777)=%d\n", is_even(100000), is_odd(77777));
    printf("ack(2,3)=%lu ack(3,5)=%lu\n", ack(2, 3), ack(3, 5));
    printf("fib(27)=%ld hanoi(18)=%ld chain=%d\n", fib(27), hanoi(18, 1, 3, 2), chain(5000, 0));
    return 0;
}
