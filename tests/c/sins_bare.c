/* For tests/test_scripts_insert.py: a freestanding static program (no libc) whose exit status sums
   what an INSERT script places: custom sections and script-defined symbols. */
__attribute__((section(".mydata"), used)) int mydata[4] = {1, 2, 3, 4};
__attribute__((section(".mytext"), noinline)) int in_mytext(int x) { return x * 3; }
__attribute__((section(".mykept"), used)) int kept_only = 9;
extern char __my_start[] __attribute__((weak)), __my_end[] __attribute__((weak));
int counter = 5;

void _start(void) {
    long status = mydata[1] + in_mytext(counter) + (__my_end - __my_start);
    __asm__ volatile("syscall" : : "a"(60), "D"(status) : "rcx", "r11", "memory");
    __builtin_unreachable();
}
