/* Second object of the linker-script tests: data and code in a file patterns can single out. */
int other_value = 42;
int other_bss;
__attribute__((section(".sorted.0"), used)) int sorted_0 = 0x10;
__attribute__((section(".wdata"), used)) int wdata2 = 10;
const char other_str[] = "other";
int other_fn(int x) { return x ^ other_value; }
