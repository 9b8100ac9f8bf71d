/* Prints the merged strings and constants through the symbols of strs1.s/strs2.s: each name must
   still reach its own bytes after deduplication and tail merging. */
#include <stdio.h>
#include <string.h>

extern const char s_hello[], s_world[], s_shared[], s_last[], s_unterm[], a_long[], a_tail[];
extern const char t_shared[], t_orld[], t_new[], t_empty[], b_tail[], b_other[];
extern const unsigned long long c16a[2], c16b[2], d16a[2], d16b[2];

static const char *const strs[] = { s_hello, s_world, s_shared, s_last, a_long, a_tail,
                                    t_shared, t_orld, t_new, t_empty, b_tail, b_other };

int main(void)
{
    for (unsigned i = 0; i < sizeof strs / sizeof *strs; i++)
        printf("%u [%s]\n", i, strs[i]);
    printf("unterm [%.13s]\n", s_unterm);
    printf("%llx %llx %llx %llx\n", c16a[0], c16b[1], d16a[0], d16b[1]);
    printf("shared %d, cst %d\n", s_shared == t_shared, c16b == d16a);
    return 0;
}
