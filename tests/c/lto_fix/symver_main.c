#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
int ver_api(void);
int ver_call(void);
int ver_old_ref(void);
__asm__(".symver ver_old_ref,ver_api@VERS_1");
int main(void) {
  int (*v1)(void) = (int (*)(void))dlvsym(RTLD_DEFAULT, "ver_api", "VERS_1");
  int (*v2)(void) = (int (*)(void))dlvsym(RTLD_DEFAULT, "ver_api", "VERS_2");
  printf("%d %d %d %d %d\n", ver_api(), ver_old_ref(), ver_call(), v1 ? v1() : -1, v2 ? v2() : -1);
  return 0;
}
