/* --gc-sections over relocations to local symbols (static functions and data, reached through
   .text.* sections only), to globals, and to sections nothing reaches. */
#include <stdio.h>

__attribute__((noinline)) static int leaf(int x) { return x * 3; }
__attribute__((noinline)) static int unused_leaf(int x) { return x - 7; }
static const char msg[] = "reached through a static";
static const char unused_msg[] = "never reached";
int helper(int x) { return leaf(x) + 1; }
int unused_global(int x) { return unused_leaf(x) + puts(unused_msg); }
const char *get_msg(void) { return msg; }
