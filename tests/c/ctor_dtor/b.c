#include <stdio.h>

extern void record(int id);
static int b_inited;

__attribute__((constructor(102))) static void ctor_102(void) { record(102); }
__attribute__((constructor(200))) static void ctor_200(void) { record(200); b_inited = 1; }
__attribute__((constructor)) static void ctor_plain_b(void) { record(2000); }
__attribute__((constructor)) static void ctor_plain_b2(void) { record(2001); }

__attribute__((destructor(102))) static void dtor_102(void) { printf("dtor 102 (b.c)\n"); }
__attribute__((destructor(250))) static void dtor_250(void) { printf("dtor 250 (b.c)\n"); }
__attribute__((destructor)) static void dtor_plain_b(void) { printf("dtor plain (b.c)\n"); }

void b_report(void) { printf("b_inited=%d\n", b_inited); }
