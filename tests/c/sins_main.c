/* For tests/test_scripts_insert.py: custom sections an INSERT script places, boundary symbols the
   script defines, referenced weakly (through the GOT in PIC), a PROVIDEd symbol, a section only KEEP
   holds under --gc-sections, TLS, a constructor. */
#include <stdio.h>

__attribute__((section(".mydata"), used)) int mydata[4] = {1, 2, 3, 4};
__attribute__((section(".mydata"), used)) long mydata2 = 7;
__attribute__((section(".myro"), used)) const char myro[] = "custom read-only";
__attribute__((section(".mykept"), used)) int kept_only = 99;       /* nothing refers to it */
__attribute__((section(".mytext"), noinline)) int in_mytext(int x) { return x * 3; }
extern char my_provided[] __attribute__((weak));
__thread int tls_value = 11;
int counter = 5;
int zeroed[8];
static int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 1; }

extern char __my_start[] __attribute__((weak)), __my_end[] __attribute__((weak));

int lib_value(void) {
    return mydata[2] + (int)mydata2 + in_mytext(counter) + tls_value + (int)(__my_end - __my_start);
}

int main(void) {
    printf("%d %d %s %d %d\n", lib_value(), ctor_ran, myro, zeroed[3], (int)(__my_end - __my_start));
    printf("provided %d\n", my_provided != 0);
    return 0;
}
