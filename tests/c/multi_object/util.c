#include <stdlib.h>
#include <string.h>
#include "common.h"
int util_calls;
unsigned long hash_str(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    util_calls++;
    while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211UL; }
    return h;
}
char *xstrdup(const char *s) { size_t n = strlen(s) + 1; return memcpy(malloc(n), s, n); }
