#include <stddef.h>
struct node { struct node *next; char *key; int value; };
struct list { struct node *head; size_t len; };
void list_push(struct list *, const char *key, int value);
void list_free(struct list *);
struct map;
struct map *map_new(size_t buckets);
void map_put(struct map *, const char *key, int value);
int map_get(const struct map *, const char *key, int *out);
size_t map_size(const struct map *);
void map_free(struct map *);
struct strbuf { char *data; size_t len, cap; };
void sb_init(struct strbuf *);
void sb_addf(struct strbuf *, const char *fmt, ...);
void sb_free(struct strbuf *);
unsigned long hash_str(const char *);
char *xstrdup(const char *);
extern int util_calls;
