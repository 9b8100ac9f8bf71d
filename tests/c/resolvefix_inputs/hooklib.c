/* A library whose optional hooks are weak undefined with non-default visibility: bfd resolves them
   to 0 inside the library (never exported, never bound to the executable's definitions). */
#include <stdio.h>

__attribute__((weak, visibility("hidden"))) void hook(void);
__attribute__((weak, visibility("protected"))) void phook(void);
__attribute__((weak, visibility("internal"))) void ihook(void);
__attribute__((weak, visibility("hidden"))) extern int hvar;
__attribute__((weak)) void dhook(void);           /* default visibility: the executable's wins */

void (*hook_ptr(void))(void) { return hook; }

void run(void)
{
    printf("hook=%d phook=%d ihook=%d hvar=%d dhook=%d ptr=%d\n", hook != 0, phook != 0, ihook != 0,
           &hvar != 0, dhook != 0, hook_ptr() != 0);
    if (hook) hook();
    if (phook) phook();
    if (ihook) ihook();
    if (dhook) dhook();
}
