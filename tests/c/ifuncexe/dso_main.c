#include <stdio.h>
int ga(int);
extern int (*lib_ptr_ga)(int), (*lib_ptr_la)(int);
extern int (*const lib_cptr_ga)(int);
int (*lib_get_ga(void))(int);
int (*lib_get_la(void))(int);
int lib_call_ga(int), lib_tail_la(int), lib_call_la(int);
int (*main_ptr)(int) = ga;
int (*const main_cptr)(int) = ga;
int main(void)
{
    int (*volatile v)(int) = ga;
    printf("calls %d %d %d %d %d %d %d\n", ga(1), lib_call_ga(2), lib_tail_la(3), lib_call_la(4), main_ptr(5), lib_get_la()(6), lib_ptr_la(7));
    printf("eq %d %d %d %d %d %d\n", v == main_ptr, v == lib_ptr_ga, v == lib_get_ga(), main_ptr == lib_cptr_ga, main_cptr == lib_get_ga(), lib_get_la() == lib_ptr_la);
    return 0;
}
