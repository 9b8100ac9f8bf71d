/* A __start_/__stop_ set, for -z start-stop-visibility= (the symbols' visibility and binding). */
#include <stdio.h>
__attribute__((used, section("myset"))) static int a = 1;
__attribute__((used, section("myset"))) static int b = 2;
extern int __start_myset[], __stop_myset[];
int count_set(void) { return __stop_myset - __start_myset; }
#ifdef WITH_MAIN
int main(void) { printf("%d\n", count_set()); return 0; }
#endif
