#include <stdio.h>
void run(void);
void hook(void) { puts("executable hook"); }
void phook(void) { puts("executable phook"); }
void ihook(void) { puts("executable ihook"); }
void dhook(void) { puts("executable dhook"); }
int hvar = 1;
int main(void) { run(); return 0; }
