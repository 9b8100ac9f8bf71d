#include <stdio.h>
static void __attribute__((constructor)) ctor(void) { puts("ctor"); }
static int helper(int x) { return x + 1; }
int api(int x) { return helper(x); }
int dead(int x) { return x * 7; }
__attribute__((section(".note.custom"), used)) static const int note_word = 5;
int main(void) { return api(1); }
