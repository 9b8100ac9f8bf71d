/* A set that only __start_/__stop_ references reach: -z start-stop-gc collects all of it. */
#include <stdio.h>
__attribute__((used, section("onlyset"))) static int a = 1;
extern int __start_onlyset[], __stop_onlyset[];
int main(void) { printf("%d\n", (int)(__stop_onlyset - __start_onlyset)); return 0; }
