#include <stdio.h>
int fe(int);
int (*get_fd(void))(int);
int (*get_fe(void))(int);
int (*tab[1])(int) = {fe};
int main(void) { printf("%d %d %d\n", get_fd()(2), get_fe()(3), get_fe() == tab[0]); return 0; }
