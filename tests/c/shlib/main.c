/* An executable linked against a (bfd-built) shared library of our own. */
#include <pthread.h>
#include <stdio.h>

extern int lib_counter;
extern const char lib_name[];
extern int lib_array[16];
extern __thread int lib_tls;
extern int lib_fn(int), lib_call_exe(int), lib_bump(void), lib_read_tls(void);
extern void *lib_addr_of_exe_fn(void), *lib_addr_of_lib_fn(void);
extern int *lib_counter_addr(void);

int exe_callback(int x) { return x * 10; }
static int (*const fn_table[])(int) = {lib_fn, exe_callback};

static void *worker(void *arg)
{
    (void)arg;
    lib_tls += 100;
    return (void *)(long)(lib_tls + lib_read_tls());
}

int main(void)
{
    printf("lib_name=%s counter=%d array[15]=%d\n", lib_name, lib_counter, lib_array[15]);
    int bumped = lib_bump();
    printf("lib_bump=%d counter now=%d same object=%d\n", bumped, lib_counter,
           lib_counter_addr() == &lib_counter);
    lib_counter = 40;
    printf("lib sees write: %d\n", lib_bump());
    printf("lib_call_exe(3)=%d table=%d,%d\n", lib_call_exe(3), fn_table[0](21), fn_table[1](4));
    printf("&exe_callback equal: %d\n", lib_addr_of_exe_fn() == (void *)&exe_callback);
    printf("&lib_fn equal: %d table: %d\n", lib_addr_of_lib_fn() == (void *)&lib_fn,
           (void *)fn_table[0] == lib_addr_of_lib_fn());
    lib_tls = 1;
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, &r);
    printf("lib_tls main=%d lib view=%d thread=%ld\n", lib_tls, lib_read_tls(), (long)r);
    return 0;
}
