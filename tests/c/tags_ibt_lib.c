/* A library whose own calls go through its PLT (libc functions), one function also taken by
   address (a GOT slot and a .plt.got stub), and an exported function the program calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t (*tags_lib_strlen(void))(const char *) { return strlen; }

int tags_lib_format(char *buf, int n, int v)
{
    size_t (*f)(const char *) = strlen;
    snprintf(buf, n, "lib:%d:%d", abs(v), (int)f("four"));
    return (int)strlen(buf);
}
