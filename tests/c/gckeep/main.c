#include <stdio.h>
void used(void) { puts("used"); }
void unused_default(void) { puts("ud"); }
__attribute__((visibility("hidden"))) void unused_hidden(void) { puts("uh"); }
__attribute__((visibility("protected"))) void unused_protected(void) { puts("up"); }
__attribute__((weak)) void unused_weak(void) { puts("uw"); }
static void unused_static(void) { puts("us"); }
void (*keep_static)(void);
int unused_data = 5;
__attribute__((visibility("hidden"))) int unused_hdata = 6;
int main(void) { used(); return 0; }
