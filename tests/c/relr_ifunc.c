/* -z pack-relative-relocs: an IFUNC address in data (R_X86_64_IRELATIVE stays in .rela.dyn) */
#include <stdio.h>
static int impl(void){return 42;}
static void *resolve(void){return impl;}
int f(void) __attribute__((ifunc("resolve")));
int (*pf)(void) = f;
const char *s[] = {"x","y"};
int main(void){printf("%d %s\n", pf(), s[1]);return 0;}
