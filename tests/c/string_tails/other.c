static const char *const more[] = {
    "lo world", "hello world", "the aligned section",
    "yet another fairly long string placed in the aligned section",
    "another fairly long string placed in the aligned section", "x", 0,
};

const char *other_words(int i) { return more[i]; }
