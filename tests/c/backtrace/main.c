/* backtrace(3) through exported functions in two objects (needs .eh_frame/.eh_frame_hdr and,
   for the names, -rdynamic so the functions are in .dynsym). Addresses are never printed. */
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int bt_level1(int);

int bt_collect(int depth)
{
    void *frames[64];
    int n = backtrace(frames, 64);
    printf("frames >= %d: %s\n", depth, n >= depth ? "yes" : "no");
    char **syms = backtrace_symbols(frames, n);
    if (!syms) {
        printf("backtrace_symbols failed\n");
        return -1;
    }
    printf("named frames:");
    for (int i = 0; i < n; i++) {
        const char *open = strchr(syms[i], '(');
        if (!open)
            continue;
        const char *end = open + 1;
        while (*end && *end != '+' && *end != ')')
            end++;
        int len = (int)(end - open - 1);
        if ((len > 3 && strncmp(open + 1, "bt_", 3) == 0) || (len == 4 && strncmp(open + 1, "main", 4) == 0))
            printf(" %.*s", len, open + 1);
    }
    printf("\n");
    free(syms);
    return n >= depth;
}

int main(void)
{
    int r = bt_level1(3);
    printf("result=%d\n", r);
    return 0;
}
