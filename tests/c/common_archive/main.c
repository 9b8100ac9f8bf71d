/* A tentative definition (COMMON with -fcommon) and an archive member that initialises the same
 * variable: GNU ld loads the member, whose definition wins over the COMMON block (nothing else
 * refers to the member), so the program sees 42. */
#include <stdio.h>

int shared_counter;                 /* COMMON */

int main(void) {
    printf("shared_counter=%d\n", shared_counter);
    return 0;
}
