/* Unwinding out of PLT stubs: single-step (x86 trap flag) through the first, lazily bound call of a
   libc function and through a .plt.got call; at every step that stops inside .plt / .plt.got, the
   SIGTRAP handler asks libgcc's unwinder (which finds FDEs through PT_GNU_EH_FRAME) for the stack and
   reports whether it reaches the calling function.  That works only if the linker wrote .eh_frame
   entries for its PLTs, as ld does by default (--ld-generated-unwind-info).  */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unwind.h>

struct range { char name[16]; unsigned long lo, hi; };
static struct range plts[4];
static int nplts;
static unsigned long base;

static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size; (void)data;
    base = info->dlpi_addr;
    return 1;
}

static void find_plts(void)
{
    FILE *f = fopen("/proc/self/exe", "rb");
    Elf64_Ehdr eh;
    if (!f || fread(&eh, sizeof eh, 1, f) != 1) { puts("cannot read /proc/self/exe"); exit(1); }
    Elf64_Shdr *sh = calloc(eh.e_shnum, sizeof *sh);
    fseek(f, (long)eh.e_shoff, SEEK_SET);
    if (fread(sh, sizeof *sh, eh.e_shnum, f) != eh.e_shnum) exit(1);
    char *names = malloc(sh[eh.e_shstrndx].sh_size);
    fseek(f, (long)sh[eh.e_shstrndx].sh_offset, SEEK_SET);
    if (fread(names, 1, sh[eh.e_shstrndx].sh_size, f) != sh[eh.e_shstrndx].sh_size) exit(1);
    for (int i = 0; i < eh.e_shnum && nplts < 4; i++) {
        const char *n = names + sh[i].sh_name;
        if (strcmp(n, ".plt") && strcmp(n, ".plt.got") && strcmp(n, ".plt.sec"))
            continue;
        snprintf(plts[nplts].name, sizeof plts[nplts].name, "%s", n);
        plts[nplts].lo = base + sh[i].sh_addr;
        plts[nplts].hi = plts[nplts].lo + sh[i].sh_size;
        nplts++;
    }
    fclose(f);
}

static void *target;            /* the function whose frame the unwinder must reach */
static int reached, frames;

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg)
{
    (void)arg;
    frames++;
    if (_Unwind_FindEnclosingFunction((void *)_Unwind_GetIP(ctx)) == target) {
        reached = 1;
        return _URC_NORMAL_STOP;
    }
    return frames > 20 ? _URC_NORMAL_STOP : _URC_NO_REASON;
}

static char log_[4096];
static size_t loglen;

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
    (void)sig; (void)si;
    unsigned long rip = ((ucontext_t *)uc_)->uc_mcontext.gregs[REG_RIP];
    for (int i = 0; i < nplts; i++) {
        if (rip < plts[i].lo || rip >= plts[i].hi)
            continue;
        unsigned long off = rip - plts[i].lo;
        reached = frames = 0;
        _Unwind_Backtrace(step, 0);
        const char *what = plts[i].name;
        if (!strcmp(what, ".plt") && off < 16)
            what = ".plt PLT0";
        int n = snprintf(log_ + loglen, sizeof log_ - loglen, "  %s +%lu: %s\n", what,
                         off % (strcmp(plts[i].name, ".plt.got") ? 16 : 8),
                         reached ? "unwound to the caller" : "unwinding FAILED");
        if (n > 0 && loglen + n < sizeof log_)
            loglen += n;
    }
}

#define TRACE_ON()  __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc")
#define TRACE_OFF() __asm__ volatile("pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc")

long (*volatile fp)(long);

__attribute__((noinline)) long call_lazy(long x)
{
    TRACE_ON();
    long r = llabs(x);
    TRACE_OFF();
    return r + 1;
}

__attribute__((noinline)) long call_both(long x)
{
    fp = labs;                 /* address taken through the GOT (PIE) ... */
    TRACE_ON();
    long r = labs(x);          /* ... and called: bfd sends the call through .plt.got */
    TRACE_OFF();
    return r + 1;
}

int main(void)
{
    dl_iterate_phdr(first_object, 0);
    find_plts();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &sa, 0);
    target = (void *)call_lazy;
    long a = call_lazy(-5);
    printf("lazy call through the PLT (%ld):\n%s", a, log_);
    loglen = 0; log_[0] = 0;
    target = (void *)call_both;
    long b = call_both(-7);
    printf("call of an address-taken function (%ld, %d):\n%s", b, fp == labs, log_);
    return 0;
}
