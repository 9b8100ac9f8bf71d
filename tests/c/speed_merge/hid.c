/* Hidden definitions in a PIE: one called through PLT32 (bfd tried to make it dynamic, then writes
   it LOCAL), one only addressed (GLOBAL HIDDEN), an internal one; and many locals. */
#include <stdio.h>

__attribute__((visibility("hidden"), noinline)) int hid_called(int x) { return x + 1; }
__attribute__((visibility("hidden"), noinline)) int hid_addressed(int x) { return x + 2; }
__attribute__((visibility("internal"), noinline)) int int_called(int x) { return x + 3; }
static int local_a(int x) { return x * 5; }
static int local_b(int x) { return local_a(x) - 1; }
int (*volatile fp)(int) = hid_addressed;
