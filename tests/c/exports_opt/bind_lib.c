/* A library whose own calls and data reads show how each symbol binds: the host defines
   exp_fn, exp_data, other_fn, nt_sym and tls_var too, so a preemptible reference reaches the
   host's definition and a locally bound one the library's. */
int exp_fn(void) { return 1; }
int other_fn(void) { return 2; }
int exp_data = 3;
int other_data = 4;
__thread int tls_var = 5;
__asm__(".globl nt_sym\n.data\n.p2align 2\nnt_sym: .long 6\n.text");
extern int nt_sym;

int bind_report(void)
{
    /* each digit: 1 = the library's own definition, 7.. = the host's */
    return exp_fn() * 100000 + other_fn() * 10000 + exp_data * 1000 + other_data * 100 + tls_var * 10
           + nt_sym;
}
