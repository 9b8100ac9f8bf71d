/* For tests/test_scripts_input.py: custom sections a SECTIONS script given as an input file (or a
   second -T script, or statements after INSERT) places after bfd's default script, boundary symbols
   the script defines (referenced weakly, through the GOT in PIC), a section only KEEP holds under
   --gc-sections, TLS and a constructor, so the default layout around them is a real one. */
#include <stdio.h>

__attribute__((section(".mysec"), used)) int mydata[4] = {1, 2, 3, 4};
__attribute__((section(".mysec2"), used)) long mydata2[2] = {7, 8};
__attribute__((section(".myro"), used)) const char myro[] = "custom read-only";
__attribute__((section(".mykept"), used)) int kept_only = 99;       /* nothing refers to it */
__attribute__((section(".mytext"), noinline)) int in_mytext(int x) { return x * 3; }
extern char __my_start[] __attribute__((weak)), __my_end[] __attribute__((weak));
extern char __my2_start[] __attribute__((weak)), __my2_end[] __attribute__((weak));
__thread int tls_value = 11;
int counter = 5;
int zeroed[8];
static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 1; }

int lib_value(void) {
    return mydata[2] + (int)mydata2[1] + in_mytext(counter) + tls_value + (int)(__my_end - __my_start) +
           (int)(__my2_end - __my2_start);
}

int main(void) {
    printf("%d %d %s %d %d %d\n", lib_value(), ctor_ran, myro, zeroed[3], (int)(__my_end - __my_start),
           (int)(__my2_end - __my2_start));
    return 0;
}
