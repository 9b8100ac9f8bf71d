/* bench job "shlib" (not in the default set): a shared library linked by the
 * linker under test, and an executable linked against it. */
#include <stdio.h>
#include "greet.h"

int greet_count;                         /* data exported from the library */
static const char *const greetings[] = { "hello", "bonjour", "hallo", "ciao" };

const char *greet_word(int i) { return greetings[i % 4]; }

void greet(const char *who)
{
    greet_count++;
    printf("%s, %s! (call %d)\n", greet_word(greet_count - 1), who, greet_count);
}
