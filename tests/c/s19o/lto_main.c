extern char src[4096];
char dst[4096];
int a_fn(void); int b_fn(void); int y_fn(void); int tail_fn(void);
void _start(void) {
  __builtin_memcpy(dst, src, 1000 + a_fn());
  int r = a_fn() + b_fn() + y_fn() + tail_fn() + dst[3];
  __asm__ volatile("mov %0, %%edi\n mov $60, %%eax\n syscall" :: "r"(r) : "rax", "rdi");
  __builtin_unreachable();
}
