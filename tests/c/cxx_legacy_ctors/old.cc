// Constructor/destructor tables the way older toolchains emitted them: .ctors/.dtors (run
// last-to-first by crtstuff) and .ctors.NNNNN (priority 65535-NNNNN).  ld puts them into
// .init_array/.fini_array, reversing each section's entries and sorting by priority.
#include <cstdio>

static void ctor_a() { std::puts("old .ctors a"); }
static void ctor_b() { std::puts("old .ctors b"); }
static void ctor_c() { std::puts("old .ctors c"); }
static void ctor_d() { std::puts("old .ctors d"); }
static void ctor_prio() { std::puts("old .ctors.65434 (priority 101)"); }
static void dtor_a() { std::puts("old .dtors a"); }
static void dtor_b() { std::puts("old .dtors b"); }
static void dtor_prio() { std::puts("old .dtors.65434 (priority 101)"); }

typedef void (*fn)();
// one pointer per variable (8-byte aligned: an array would be 16- or 32-aligned and leave holes)
#define ENTRY(sec, var, f) __attribute__((section(sec), used)) static fn var = f
ENTRY(".ctors", ctor_1, ctor_a);
ENTRY(".ctors", ctor_2, ctor_b);
ENTRY(".ctors", ctor_3, ctor_c);
ENTRY(".ctors", ctor_4, ctor_d);
ENTRY(".ctors.65434", ctor_5, ctor_prio);
ENTRY(".dtors", dtor_1, dtor_a);
ENTRY(".dtors", dtor_2, dtor_b);
ENTRY(".dtors.65434", dtor_3, dtor_prio);
