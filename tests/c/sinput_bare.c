/* For tests/test_scripts_input.py: a freestanding static program (no libc) whose exit status sums
   what the scripts place: custom sections and script-defined symbols. */
__attribute__((section(".mysec"), used)) int mydata[4] = {1, 2, 3, 4};
__attribute__((section(".mysec2"), used)) long mydata2[2] = {7, 8};
__attribute__((section(".mytext"), noinline)) int in_mytext(int x) { return x * 3; }
__attribute__((section(".mykept"), used)) int kept_only = 9;
extern char __my_start[] __attribute__((weak)), __my_end[] __attribute__((weak));
extern char __my2_start[] __attribute__((weak)), __my2_end[] __attribute__((weak));
int counter = 5;

void _start(void) {
    long status = mydata[1] + mydata2[0] + in_mytext(counter) + (__my_end - __my_start) + (__my2_end - __my2_start);
    __asm__ volatile("syscall" : : "a"(60), "D"(status) : "rcx", "r11", "memory");
    __builtin_unreachable();
}
