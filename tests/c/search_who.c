/* A library that says which copy of it was linked (WHO is set per build by the test). */
#include <stdio.h>
int who_calls = 0;
int who_log[16];
void who(void) { who_log[who_calls++ & 15] = 1; puts(WHO); }
