#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "common.h"
void sb_init(struct strbuf *s) { s->cap = 16; s->len = 0; s->data = malloc(s->cap); s->data[0] = 0; }
void sb_addf(struct strbuf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    while (s->len + (size_t)n + 1 > s->cap) { s->cap *= 2; s->data = realloc(s->data, s->cap); }
    va_start(ap, fmt);
    vsnprintf(s->data + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}
void sb_free(struct strbuf *s) { free(s->data); s->data = NULL; }
