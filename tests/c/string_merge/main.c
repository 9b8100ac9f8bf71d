/* The same string literal in several objects: mergeable sections (.rodata.str1.1) may be
   deduplicated by the linker; ld.bfd's result is the oracle for pointer equality. */
#include <stdio.h>
#include <string.h>

extern const char *lit_a(void);
extern const char *lit_b(void);
extern const char *other_a(void);
extern const char *const table_b[];

int main(void)
{
    const char *m = "a string literal shared by objects";
    printf("strings equal: %d %d\n", strcmp(m, lit_a()) == 0, strcmp(lit_a(), lit_b()) == 0);
    printf("main==a: %d\n", m == lit_a());
    printf("a==b: %d\n", lit_a() == lit_b());
    printf("table_b[0]==a: %d\n", table_b[0] == lit_a());
    printf("other==other: %d\n", other_a() == table_b[1]);
    printf("contents: [%s] [%s] [%s]\n", lit_a(), table_b[1], table_b[2]);
    return 0;
}
