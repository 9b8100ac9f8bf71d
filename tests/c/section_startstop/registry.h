struct entry {
    const char *name;
    int (*fn)(int);
    int prio;
};
#define REGISTER(id, nm, f, p) \
    __attribute__((section("my_sec"), used, aligned(8))) struct entry id = {nm, f, p}
