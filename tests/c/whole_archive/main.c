/* --whole-archive: plugin members register themselves from constructors; nothing references them. */
#include <stdio.h>
#include <string.h>
static const char *names[16];
static int (*fns[16])(int);
static int count;
void register_plugin(const char *name, int (*fn)(int))
{
    if (count < 16) { names[count] = name; fns[count] = fn; count++; }
}
int main(void)
{
    printf("plugins: %d\n", count);
    for (int i = 0; i < count; i++)
        printf("%s(5)=%d\n", names[i], fns[i](5));
    return 0;
}
