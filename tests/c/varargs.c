/* Variadic functions: ints, doubles, va_copy, v*printf wrappers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static long sum_ints(int count, ...)
{
    va_list ap;
    long s = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static double avg_doubles(int count, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        s += va_arg(ap, double);
    va_end(ap);
    return count ? s / count : 0.0;
}

static void mixed(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': printf("int:%d ", va_arg(ap, int)); break;
        case 'l': printf("long:%ld ", va_arg(ap, long)); break;
        case 'd': printf("double:%.3f ", va_arg(ap, double)); break;
        case 's': printf("str:%s ", va_arg(ap, const char *)); break;
        }
    }
    printf("\n");
    /* second pass over the copy */
    int n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p == 'd') (void)va_arg(ap2, double);
        else if (*p == 'l') (void)va_arg(ap2, long);
        else if (*p == 's') (void)va_arg(ap2, const char *);
        else (void)va_arg(ap2, int);
        n++;
    }
    printf("copy consumed %d args\n", n);
    va_end(ap2);
    va_end(ap);
}

static int my_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void logf_(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("[log] ", f);
    vfprintf(f, fmt, ap);
    va_end(ap);
}

int main(void)
{
    printf("sum_ints=%ld\n", sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    printf("avg=%.4f\n", avg_doubles(9, 1.0, 2.5, 3.25, 4.0, 5.5, 6.0, 7.75, 8.0, 9.125));
    mixed("idlsidd", 1, 2.5, 123456789012L, "hello", -7, 1e10, -0.125);
    char buf[64];
    int r = my_snprintf(buf, sizeof buf, "%s-%05d-%x-%.2e", "fmt", 42, 0xbeef, 12345.678);
    printf("my_snprintf r=%d buf=%s\n", r, buf);
    r = my_snprintf(buf, 8, "%s", "truncated string");
    printf("trunc r=%d buf=%s len=%zu\n", r, buf, strlen(buf));
    logf_(stdout, "%d %s %c\n", 5, "five", 'V');
    logf_(stderr, "to stderr %d\n", 99);
    return 0;
}
