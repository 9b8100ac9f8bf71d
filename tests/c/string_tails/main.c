/* Strings that are tails of other strings, spread over objects and over .rodata.str1.1 and
   .rodata.str1.8 (long strings with -O2): bfd stores a tail inside the longer string. */
#include <stdio.h>
#include <string.h>

extern const char *other_words(int i);

static const char *const words[] = {
    "world", "hello world", "orld", "", "d", "xorld",
    "a fairly long string so that gcc puts it in the aligned section",
    "string so that gcc puts it in the aligned section",
    "that gcc puts it in the aligned section",
};

int main(void) {
    unsigned long sum = 0;
    for (unsigned i = 0; i < sizeof words / sizeof *words; i++) {
        printf("[%s]\n", words[i]);
        sum += strlen(words[i]);
    }
    for (int i = 0; other_words(i); i++)
        printf("<%s>\n", other_words(i));
    printf("%lu\n", sum);
    return 0;
}
