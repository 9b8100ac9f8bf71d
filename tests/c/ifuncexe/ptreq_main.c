#include <stdio.h>
int fg(int);
int (*get_fg(void))(int);
int (*tab[1])(int) = {fg};
int main(void) { printf("%d %d %d\n", fg(1), get_fg()(3), get_fg() == tab[0]); return 0; }
