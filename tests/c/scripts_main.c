/* Freestanding program for the linker-script tests: prints the address of every script symbol it
   knows (weak references: a script defines any subset), some data, then exits with a checksum. */
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
#define SYMS(X) X(sym_a) X(sym_b) X(sym_c) X(sym_d) X(text_start) X(text_end) X(data_start) X(data_end) \
    X(bss_start) X(bss_end) X(rom_data) X(my_start) X(my_stop) X(prov_used) X(sorted_start) X(table_start) \
    X(table_end) X(abs_sym) X(rel_sym) X(end_sym) X(__start_mysec) X(__stop_mysec) X(hidden_sym)
SYMS(W)

int counter = 5;
int zeroed = 0;        /* (.bss even with -fcommon: one COMMON symbol only, whose place is certain) */
#ifdef WITH_COMMON
int common_var;
#endif
const char greeting[] = "hello from a linker script\n";
__attribute__((section("mysec"), used)) int mysec_data[4] = {1, 2, 3, 4};
__attribute__((section(".sorted.b"), used)) int sorted_b = 0xb;
__attribute__((section(".sorted.a"), used)) int sorted_a = 0xa;
__attribute__((section(".sorted.c"), used)) int sorted_c = 0xc;
__attribute__((section(".big_align"), aligned(64), used)) int big_align = 64;
__attribute__((section(".keepme"), used)) int keepme = 7;
__attribute__((section(".dropme"))) int dropme = 8;
__attribute__((section(".wdata"), used)) int wdata = 9;
__attribute__((section(".text.hot"), noinline)) int hot(int x) { return x * 3 + counter; }
__attribute__((section(".orphan_code"), noinline)) int orph(int x) { return x + 1; }
extern int other_value;

void _start(void)
{
    out(greeting, sizeof greeting - 1);
#define P(x) if (x) hex(#x, (u64)x);
    SYMS(P)
    hex("counter", (u64)&counter);
    hex("zeroed", (u64)&zeroed);
    hex("other_value", (u64)other_value);
    int sum = hot(counter) + orph(zeroed) + mysec_data[2] + sorted_a + wdata + big_align;
    sys3(60, sum & 0x7f, 0, 0);
}
