/* A small program split over several objects (list, map, strbuf, util). */
#include <stdio.h>
#include "common.h"
static const char *words = "the quick brown fox jumps over the lazy dog the fox barks and the dog runs";
int main(void)
{
    struct map *m = map_new(7);
    char w[32];
    size_t k = 0;
    for (const char *p = words;; p++) {
        if (*p == ' ' || *p == 0) {
            w[k] = 0;
            if (k) { int c = 0; map_get(m, w, &c); map_put(m, w, c + 1); }
            k = 0;
            if (!*p) break;
        } else if (k < sizeof w - 1) {
            w[k++] = *p;
        }
    }
    const char *probe[] = {"the", "fox", "dog", "cat", "quick"};
    struct strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 5; i++) {
        int c = 0;
        int found = map_get(m, probe[i], &c);
        sb_addf(&sb, "%s=%d%s ", probe[i], c, found ? "" : "(absent)");
    }
    printf("%s\nunique=%zu util_calls=%d\n", sb.data, map_size(m), util_calls);
    sb_free(&sb);
    map_free(m);
    return 0;
}
