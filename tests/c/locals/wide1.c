/* 2- and 4-byte strings (.rodata.str2.2, .rodata.str4.4, .rodata.str4.8) for
   tests/test_opt_merge_wide.py: duplicates across objects, tails, characters with NUL bytes. */
#include <stdio.h>
#include <uchar.h>
#include <wchar.h>

extern const wchar_t *w2(int);
extern const char16_t *u2(int);
extern const char32_t *U2(int);

const wchar_t *w1(int i) {
    static const wchar_t *t[] = {L"hello world", L"world", L"xyz", L"a much longer wide string here", L"string here"};
    return t[i];
}
const char16_t *u1(int i) {
    static const char16_t *t[] = {u"hello world", u"world", u"d", u"\u0100\u0200", u"\u0100\x01", u"\x01",
                                  u"\u0200"};
    return t[i];
}
const char32_t *U1(int i) {
    static const char32_t *t[] = {U"abc", U"bc", U"zz", U"\U00010000\x100", U"\x100", U""};
    return t[i];
}

static int u16cmp(const char16_t *a, const char16_t *b) {
    while (*a && *a == *b) a++, b++;
    return *a - *b;
}

int main(void) {
    printf("w: %d %d %d %d %d\n", w1(1) == w2(0), wcscmp(w1(0), w2(1)), w1(1) == w1(0) + 6,
           w1(4) == w1(3) + 19, wcscmp(w1(4), w2(2)));
    printf("u: %d %d %d %d %d %d\n", u1(1) == u2(0), u1(1) == u1(0) + 6, u1(3) == u2(1),
           u1(5) == u1(4) + 1, u1(6) == u1(3) + 1, u16cmp(u1(4), u2(3)));
    printf("U: %d %d %d %d %d\n", U1(1) == U2(0), U1(1) == U1(0) + 1, U1(4) == U1(3) + 1,
           U1(5) == U2(2), U1(2)[0] == U'z');
    return 0;
}
