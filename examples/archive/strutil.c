#include <ctype.h>
#include "shapes.h"

const char *shout(const char *s)
{
    static char buf[64];
    int i = 0;
    for (; s[i] && i < 63; i++)
        buf[i] = (char)toupper((unsigned char)s[i]);
    buf[i] = 0;
    return buf;
}
