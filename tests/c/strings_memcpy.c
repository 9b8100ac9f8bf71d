/* String and memory functions over large buffers; FNV checksums of the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long fnv(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned long h = 1469598103934665603UL;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211UL; }
    return h;
}

int main(void)
{
    size_t n = 1u << 20;
    unsigned char *a = malloc(n), *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        a[i] = (unsigned char)(i * 131 + (i >> 9));
    memcpy(b, a, n);
    printf("memcpy equal=%d fnv=%lx\n", memcmp(a, b, n) == 0, fnv(b, n));
    memmove(b + 7, b, n - 7);
    printf("memmove overlap fnv=%lx\n", fnv(b, n));
    memmove(b, b + 100, n - 100);
    printf("memmove back fnv=%lx\n", fnv(b, n));
    memset(b + 1000, 0xab, 5000);
    printf("memset fnv=%lx memchr=%ld\n", fnv(b, n), (long)((unsigned char *)memchr(b + 999, 0xab, 10) - b));

    char s[256];
    strcpy(s, "alpha");
    strcat(s, ",beta");
    strncat(s, ",gamma,delta", 6);
    printf("s=%s len=%zu\n", s, strlen(s));
    char *save = NULL, copy[256];
    strcpy(copy, "one two  three\tfour");
    for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
        printf("tok[%s] ", t);
    printf("\n");
    printf("strstr=%s strchr=%s strrchr=%s\n", strstr(s, "beta"), strchr(s, ','), strrchr(s, ','));
    printf("strcmp=%d strncmp=%d strcasecmp=%d\n", strcmp("abc", "abd") < 0, strncmp("abcx", "abcy", 3),
           strcasecmp("HeLLo", "hello"));
    printf("strspn=%zu strcspn=%zu\n", strspn("aaabbbccc", "ab"), strcspn("hello world", " "));
    char *d = strndup("duplicate me please", 9);
    printf("strndup=%s\n", d);
    free(d);
    char big[4096];
    size_t pos = 0;
    for (int i = 0; i < 300; i++)
        pos += (size_t)snprintf(big + pos, sizeof big - pos, "%d,", i * i);
    printf("big len=%zu fnv=%lx\n", strlen(big), fnv(big, strlen(big)));
    free(a);
    free(b);
    return 0;
}
