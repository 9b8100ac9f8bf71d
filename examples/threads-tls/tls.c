#include <pthread.h>
#include <stdio.h>
#include "counters.h"

__thread long tls_counter = 1000;
__thread char tls_name[16];
static __thread int tls_calls;             /* file-local TLS */

long bump(long by)
{
    tls_calls++;
    tls_counter += by;
    return tls_counter;
}

struct result { int id; long counter; char name[16]; };

int main(void)
{
    enum { N = 4 };
    pthread_t th[N];
    struct result res[N];
    for (int i = 0; i < N; i++) {
        res[i].id = i;
        if (pthread_create(&th[i], NULL, worker, &res[i]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++)
        printf("thread %d (%s): counter=%ld\n", res[i].id, res[i].name, res[i].counter);
    /* main's own TLS copy was never touched by the workers */
    printf("main: counter=%ld calls=%d name='%s'\n", tls_counter, tls_calls, tls_name);
    return 0;
}
