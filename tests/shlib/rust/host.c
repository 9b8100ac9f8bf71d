/* Calls the Rust cdylib (linked at link time). */
#include <stdio.h>
int rust_add(int, int), rust_calls(void), rust_distinct(const char *), rust_catch(int);
int main(void) {
    int a = rust_add(40, 2);
    printf("add=%d calls=%d distinct=%d catch=%d\n", a, rust_calls(), rust_distinct("hello world"), rust_catch(7));
    return 0;
}
