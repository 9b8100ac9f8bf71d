/* A freestanding "kernel" for --oformat binary: read-only strings (SHF_MERGE, not merged in a raw
   image), pointers to them, initialised data, .bss and COMMON symbols after a gap, a constructor
   table, a section with __start_/__stop_ symbols, .eh_frame (gcc's default unwind tables). */
struct entry { const char *name; int value; };
__attribute__((section("kentries"), used)) static const struct entry e1 = {"first", 1};
__attribute__((section("kentries"), used)) static const struct entry e2 = {"second", 2};
extern const struct entry __start_kentries[], __stop_kentries[];

static const char *const words[] = {"alpha", "beta", "gamma", "beta"};
char scratch[300];
int counter = 3;
#ifdef WITH_COMMON
int c_int __attribute__((common));
long c_long __attribute__((common));
char c_buf[13] __attribute__((common));
short c_short __attribute__((common));
double c_dbl __attribute__((common));
#endif
static int initialised;
static void init(void) { initialised = 1; }
__attribute__((section(".init_array"), used)) static void (*const init_ptr)(void) = init;

static void out(char c) { *(volatile char *)0xb8000 = c; }
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

void kmain(void)
{
    for (const struct entry *e = __start_kentries; e < __stop_kentries; e++)
        for (const char *s = e->name; *s; s++)
            out(*s);
    for (unsigned i = 0; i < sizeof words / sizeof *words; i++)
        out(words[i][0]);
    scratch[fib(counter)] = (char)initialised;
#ifdef WITH_COMMON
    c_int++; c_long++; c_buf[3]++; c_short++; c_dbl += 1;
#endif
    for (;;)
        ;
}
