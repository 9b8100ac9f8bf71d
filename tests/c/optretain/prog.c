/* --retain-symbols-file: statics (locals in .symtab), globals, a versioned import (printf). */
#include <stdio.h>
static int counter = 1;
__attribute__((noinline)) static int helper(int x) { return x + counter++; }
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return helper(x) * 2; }
int global_fn(int x) { return hidden_fn(x); }
int gvar = 4;
int main(void) { printf("%d %d\n", global_fn(gvar), counter); return 0; }
