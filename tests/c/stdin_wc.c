/* Reads stdin: counts lines, words, bytes, and the longest line. */
#include <ctype.h>
#include <stdio.h>
int main(void)
{
    int c, lines = 0, words = 0, bytes = 0, inword = 0, cur = 0, longest = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') { lines++; if (cur > longest) longest = cur; cur = 0; } else cur++;
        if (isspace(c)) inword = 0;
        else if (!inword) { inword = 1; words++; }
    }
    printf("lines=%d words=%d bytes=%d longest=%d\n", lines, words, bytes, longest);
    return lines > 0 ? 0 : 1;
}
