/* Static archive with a dependency chain between members (a -> b -> c); members are stored in
   reverse order so the archive's symbol table must be rescanned. unused.o must not be linked. */
#include <stdio.h>
extern int chain_a(int);
extern const char *chain_name(void);
int main(void)
{
    printf("chain_a(5)=%d name=%s\n", chain_a(5), chain_name());
    return 0;
}
