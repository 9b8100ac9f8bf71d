/* A writable AND executable input section (`.section .wx,"awx"`): code that runs from it and data
   written in it. bfd places it with the data and makes that LOAD segment RWX (with a warning). */
#include <stdio.h>
__asm__(".section .wx,\"awx\",@progbits\n.globl wx_fn\nwx_fn:\n movl $42, %eax\n ret\n"
        ".globl wx_data\nwx_data: .long 5\n.text");
int wx_fn(void);
extern int wx_data;
int wx_report(void) { wx_data = 7; return wx_fn() * 10 + wx_data; }
#ifdef WITH_MAIN
int main(void) { printf("%d\n", wx_report()); return 0; }
#endif
