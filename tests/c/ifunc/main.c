#include <stdio.h>

extern int ifunc_add(int, int);
extern const char *ifunc_name(void);
extern int call_local(int, int);
extern void *addr_in_impl(void);
extern int (*impl_table[])(int, int);

int (*main_ptr)(int, int) = ifunc_add;

int main(void)
{
    printf("ifunc_add(2,3)=%d name=%s\n", ifunc_add(2, 3), ifunc_name());
    printf("call_local(4,5)=%d\n", call_local(4, 5));
    printf("via main_ptr=%d via impl_table=%d,%d\n", main_ptr(1, 1), impl_table[0](2, 2), impl_table[1](3, 3));
    int (*volatile p)(int, int) = ifunc_add;
    printf("via volatile ptr=%d\n", p(7, 8));
    /* Not compared: &ifunc_add here vs. in impl.c. In a PIE, ld.bfd/gold/mold give different
       addresses (PLT vs. resolved) while lld gives equal ones, so it is not a stable oracle. */
    printf("via impl's address=%d\n", ((int (*)(int, int))addr_in_impl())(10, 10));
    printf("main_ptr == impl_table[0]: %d\n", main_ptr == impl_table[0]);
    printf("main_ptr == &ifunc_add: %d\n", main_ptr == &ifunc_add);
    return 0;
}
