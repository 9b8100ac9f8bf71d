#include <stdio.h>
struct tag { const char *name; };
__attribute__((section("gc_tags"), used)) static const struct tag t2 = {"tag-lib"};

int counter_data = 17;
int unused_counter = 99;
const char used_data[] = "used rodata";
const char unused_data[4096] = "unused rodata, should be collected";

static int helper(int x) { return x * 7; }
int used_fn(int x) { return helper(x) + counter_data; }
int via_table(int x) { return x - 1; }
int (*const fn_table[])(int) = {via_table};

int unused_fn(int x) { printf("unused %d %s\n", x, unused_data); return unused_counter; }
int unused_chain2(int x) { return unused_fn(x) + 1; }
int unused_chain1(int x) { return unused_chain2(x) + 1; }
