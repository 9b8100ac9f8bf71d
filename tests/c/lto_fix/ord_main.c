/* The program's TLS: its own, the IR's and an archive member's; bfd lays each file's .tdata/.tbss
   out in input order, the plugin's compiled object where the IR was. */
#include <stdio.h>
__thread int tl_main = 3;
__thread char tl_main_b;
int ir_get(void);
int plain_get(void);
int main(void)
{
    tl_main_b = 1;
    printf("%d %d %d\n", tl_main + tl_main_b, ir_get(), plain_get());
    return 0;
}
