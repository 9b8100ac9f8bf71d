#include <stdlib.h>
#include "common.h"
void list_push(struct list *l, const char *key, int value)
{
    struct node *n = malloc(sizeof *n);
    n->key = xstrdup(key);
    n->value = value;
    n->next = l->head;
    l->head = n;
    l->len++;
}
void list_free(struct list *l)
{
    struct node *n = l->head;
    while (n) { struct node *nx = n->next; free(n->key); free(n); n = nx; }
    l->head = NULL;
    l->len = 0;
}
