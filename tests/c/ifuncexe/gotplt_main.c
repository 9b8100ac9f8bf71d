#include <stdio.h>
int fb(int), fc(int);
int (*get_fb(void))(int);
int (*get_fc(void))(int);
int (*table[1])(int) = {fb};                /* R_64 in data: pointer equality */
int main(void) { printf("%d %d %d %d\n", get_fb() == table[0], get_fb()(2), fc(3), get_fc()(4)); return 0; }
