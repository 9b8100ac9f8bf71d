/* Freestanding program for tests/test_scripts_more.py: overlay sections, typed sections, init
   priority tables, mergeable strings and a code gap; prints the script symbols it knows (weak
   references: a script defines any subset) and exits with a checksum. */
typedef unsigned long u64;

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static void out(const char *s, u64 n) { sys3(1, 1, (long)s, (long)n); }

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }

static void hex(const char *name, u64 v)
{
    char buf[40];
    int i = 0;
    out(name, len(name));
    buf[i++] = '=';
    for (int sh = 60; sh >= 0; sh -= 4)
        buf[i++] = "0123456789abcdef"[(v >> sh) & 15];
    buf[i++] = '\n';
    out(buf, i);
}

#define W(x) extern char x[] __attribute__((weak));
#define SYMS(X) X(__load_start_ov1) X(__load_stop_ov1) X(__load_start_ov2) X(__load_stop_ov2) X(after_ov) \
    X(info_start) X(info_end) X(after_info) X(abs_sym) X(sane_sym) X(in_sec) X(init_start) X(init_end) \
    X(strs_start) X(strs_end) X(rgn_end)
SYMS(W)

__attribute__((section(".ov1"), used)) int ov1_data[4] = {1, 2, 3, 4};
__attribute__((section(".ov2"), noinline)) int ov2_func(int x) { return x * 5; }
__attribute__((section(".info1"), used)) int info1[8] = {7};
__attribute__((section(".rw_to_ro"), used)) int made_ro = 11;
__attribute__((section(".init_array.00200"), used)) u64 ia200 = 0x200;
__attribute__((section(".init_array.00101"), used)) u64 ia101 = 0x101;
__attribute__((section(".init_array"), used)) u64 ia_plain = 0x1;
__attribute__((section(".ctors.00300"), used)) u64 ct300 = 0x300;
__attribute__((section(".text.gap"), aligned(64), noinline)) int gapfn(int x) { return x + 3; }
int counter = 5;
const char *msg = "strings merged\n";

void _start(void)
{
    out(msg, len(msg));
#define P(x) if (x) hex(#x, (u64)x);
    SYMS(P)
    if (init_start && init_end)
        for (u64 *p = (u64 *)init_start; p < (u64 *)init_end; p++)
            hex("init", *p);
    int sum = gapfn(counter) + made_ro;
    sum += ov2_func(ov1_data[2]);
    hex("sum", (u64)sum);
    sys3(60, sum & 0x7f, 0, 0);
    for (;;);
}
