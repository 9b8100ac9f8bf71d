#include <stdlib.h>
#include <string.h>
#include "common.h"
struct map { struct list *b; size_t nb, size; };
struct map *map_new(size_t nb)
{
    struct map *m = malloc(sizeof *m);
    m->b = calloc(nb, sizeof *m->b);
    m->nb = nb;
    m->size = 0;
    return m;
}
void map_put(struct map *m, const char *key, int value)
{
    struct list *l = &m->b[hash_str(key) % m->nb];
    for (struct node *n = l->head; n; n = n->next)
        if (strcmp(n->key, key) == 0) { n->value = value; return; }
    list_push(l, key, value);
    m->size++;
}
int map_get(const struct map *m, const char *key, int *out)
{
    const struct list *l = &m->b[hash_str(key) % m->nb];
    for (struct node *n = l->head; n; n = n->next)
        if (strcmp(n->key, key) == 0) { *out = n->value; return 1; }
    return 0;
}
size_t map_size(const struct map *m) { return m->size; }
void map_free(struct map *m)
{
    for (size_t i = 0; i < m->nb; i++) list_free(&m->b[i]);
    free(m->b);
    free(m);
}
