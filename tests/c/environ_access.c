/* getenv/setenv/unsetenv/putenv and direct use of environ (a copy relocation in non-PIE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int count_prefix(const char *prefix)
{
    int n = 0;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

int main(void)
{
    const char *v = getenv("BRAZE_TEST_VAR");
    printf("BRAZE_TEST_VAR=%s\n", v ? v : "(unset)");
    printf("MISSING=%s\n", getenv("BRAZE_SURELY_MISSING") ? "set" : "(unset)");
    printf("prefix count=%d\n", count_prefix("BRAZE_"));
    setenv("BRAZE_NEW", "one", 0);
    setenv("BRAZE_NEW", "two", 0);
    printf("BRAZE_NEW=%s\n", getenv("BRAZE_NEW"));
    setenv("BRAZE_NEW", "three", 1);
    printf("BRAZE_NEW=%s count=%d\n", getenv("BRAZE_NEW"), count_prefix("BRAZE_"));
    static char put[] = "BRAZE_PUT=via-putenv";
    putenv(put);
    printf("BRAZE_PUT=%s\n", getenv("BRAZE_PUT"));
    unsetenv("BRAZE_TEST_VAR");
    printf("after unset=%s count=%d\n", getenv("BRAZE_TEST_VAR") ? "set" : "(unset)",
           count_prefix("BRAZE_"));
    int found = 0;
    for (char **e = environ; *e; e++)
        if (strcmp(*e, "BRAZE_OTHER=1") == 0)
            found = 1;
    printf("environ has BRAZE_OTHER=1: %d\n", found);
    clearenv();
    printf("after clearenv: environ empty=%d\n", environ == NULL || environ[0] == NULL);
    return 0;
}
