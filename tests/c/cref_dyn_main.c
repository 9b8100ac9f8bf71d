/* --cref in dynamic links: calls through the PLT (printf, qsort, memcpy), data by copy relocation
   or GOT (stdout, environ: glibc's __environ alias), libm (cos), a weak reference, and the test
   libraries (yf from libcrefy, which needs libcrefx; vw from the libcrefv* set). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;
extern int yf(void);
extern int vw(void);
__attribute__((weak)) extern int cref_absent(void);
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int main(int argc, char **argv) {
    int v[3] = {3, 1, 2};
    char b[16];
    (void)argv;
    qsort(v, 3, sizeof v[0], cmp);
    memcpy(b, "cref", 5);
    printf("%d%d%d %s %d %d %d %d %d\n", v[0], v[1], v[2], b, (int)cos(0.0 * argc), yf(), vw(),
           environ != 0, &cref_absent != 0);
    fflush(stdout);
    return 0;
}
