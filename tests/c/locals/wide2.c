/* The second object of tests/test_opt_merge_wide.py: the same and overlapping wide strings. */
#include <uchar.h>
#include <wchar.h>

const wchar_t *w2(int i) { static const wchar_t *t[] = {L"world", L"hello world", L"here"}; return t[i]; }
const char16_t *u2(int i) { static const char16_t *t[] = {u"world", u"\u0200", u"\u0100", u"\u0100\x01"}; return t[i]; }
const char32_t *U2(int i) { static const char32_t *t[] = {U"bc", U"c", U""}; return t[i]; }
