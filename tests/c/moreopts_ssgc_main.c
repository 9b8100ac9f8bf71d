/* -z [no]start-stop-gc: `keepset' here is kept by the reference to b; the other object's keepset
   only by the __start_/__stop_ references (kept by default, collected under -z start-stop-gc). */
#include <stdio.h>
__attribute__((section("keepset"))) int b = 2;
extern int __start_keepset[], __stop_keepset[];
int main(void) { printf("%d %d\n", (int)(__stop_keepset - __start_keepset), b); return 0; }
