/* A shared library that calls back into the executable (a non-weak reference that only the
   executable defines, so the linker must export app_hook), has an optional weak hook that nothing
   defines, and a function whose callee nothing defines, which runs only with
   --allow-shlib-undefined and lazy binding as long as it is never called. */
#include <stdio.h>

int lib_run(int x);
int app_hook(int x) { return x * 7; }

int main(void)
{
    printf("lib_run(3) = %d\n", lib_run(3));
    return 0;
}
