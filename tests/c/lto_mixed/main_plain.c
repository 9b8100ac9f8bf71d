/* Compiled WITHOUT -flto: the regular object of a mixed link. It calls into the IR, reads IR
   data, and defines what the IR uses; lto_used_from_plain is referenced only from here, so the
   plugin must be told it is not IR-only (else it would be optimised away). */
#include <stdio.h>
int plain_counter = 7;
int plain_helper(int x) { return x * 3; }
int lto_used_from_plain(int);
int lto_entry(int);
extern int lto_table[4];
int overridden(void) { return 100; }          /* beats the IR's weak definition */
int main(int argc, char **argv) {
    (void)argv;
    printf("entry %d\n", lto_entry(argc));
    printf("used %d\n", lto_used_from_plain(argc + 1));
    printf("table %d %d\n", lto_table[0], lto_table[3]);
    printf("overridden %d\n", overridden());
    return 0;
}
