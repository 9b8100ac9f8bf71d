/* an entry point for links without libc (ld directly) */
extern int foo(void);
extern int bar_data;
int shared_common;
int weak_hook(void) __attribute__((weak));
void _start(void)
{
    volatile int r = foo() + bar_data + shared_common + (weak_hook ? weak_hook() : 0);
    (void)r;
    for (;;)
        ;
}
