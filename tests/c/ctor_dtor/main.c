/* Constructor/destructor priorities across objects, unprioritized ones, .preinit_array, atexit order. */
#include <stdio.h>
#include <stdlib.h>

extern void b_report(void);
int trace[64];
int ntrace;

void record(int id) { if (ntrace < 64) trace[ntrace++] = id; }

static void pre_init(void) { record(1); }
__attribute__((section(".preinit_array"), used)) static void (*preinit_entry)(void) = pre_init;

__attribute__((constructor(101))) static void ctor_101(void) { record(101); }
__attribute__((constructor(300))) static void ctor_300(void) { record(300); }
__attribute__((constructor)) static void ctor_plain_main(void) { record(1000); }
__attribute__((constructor(65535))) static void ctor_65535(void) { record(65535); }

__attribute__((destructor(101))) static void dtor_101(void) { printf("dtor 101 (main.c)\n"); }
__attribute__((destructor(300))) static void dtor_300(void) { printf("dtor 300 (main.c)\n"); }
__attribute__((destructor)) static void dtor_plain(void) { printf("dtor plain (main.c)\n"); }

static void at1(void) { printf("atexit 1 (registered first)\n"); }
static void at2(void) { printf("atexit 2\n"); }
static void at3(void) { printf("atexit 3 (registered last)\n"); }

static void at_from_ctor(void) { printf("atexit registered in ctor\n"); }
__attribute__((constructor(150))) static void ctor_150(void) { record(150); atexit(at_from_ctor); }

int main(void)
{
    printf("constructor order:");
    for (int i = 0; i < ntrace; i++)
        printf(" %d", trace[i]);
    printf("\n");
    b_report();
    atexit(at1);
    atexit(at2);
    atexit(at3);
    printf("main returns\n");
    return 0;
}
