#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

extern int bump(int);
extern void describe(char *, unsigned, int);
extern void set_tag(char);
static char out[4][128];

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    set_tag((char)('A' + id));
    int r = 0;
    for (int i = 0; i <= id; i++)
        r += bump(i + 1);
    char tmp[96];
    describe(tmp, sizeof tmp, id);
    snprintf(out[id], sizeof out[id], "%s r=%d", tmp, r);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++)
        printf("%s\n", out[i]);
    char tmp[96];
    describe(tmp, sizeof tmp, -1);
    printf("main: %s\n", tmp);
    return 0;
}
