/* Non-PIE code referring to a library's data gets copy relocations. ld.bfd copies read-only data into
 * .data.rel.ro, which RELRO makes read-only after start-up, so writing to it faults; writable data is
 * copied into .bss. */
#include <stdio.h>
#include <string.h>

extern const int ro_table[4];
extern const char ro_name[];
extern int rw_counter;

int main(void) {
    rw_counter += ro_table[1];
    printf("%d %d %s %d\n", ro_table[0], ro_table[3], ro_name, rw_counter);
    fflush(stdout);
    volatile int *p = (volatile int *)(void *)ro_table;
    p[2] = 99;                       /* must fault: the copy is read-only after relocation */
    printf("wrote to read-only data: %d\n", ro_table[2]);
    return 0;
}
