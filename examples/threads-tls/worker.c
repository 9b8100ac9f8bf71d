#include <stdio.h>
#include <string.h>
#include "counters.h"

struct result { int id; long counter; char name[16]; };

void *worker(void *arg)
{
    struct result *r = arg;
    snprintf(tls_name, sizeof tls_name, "worker-%d", r->id);
    for (int i = 1; i <= 100 * (r->id + 1); i++)
        bump(i % 7);
    r->counter = tls_counter;
    memcpy(r->name, tls_name, sizeof r->name);
    return NULL;
}
