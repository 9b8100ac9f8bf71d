/* Inspects its own loaded image at run time and prints link-time properties in a linker-neutral
   way (never addresses): RELRO presence and protection, BIND_NOW, hash tables, build-id size,
   note types, loaded libraries, and dlsym() lookups of exported functions (with -rdynamic).
   Used with -z now, -z norelro, --hash-style=..., --build-id=sha1, --as-needed variants. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern ElfW(Dyn) _DYNAMIC[];

#define EXPORT(n) int si_export_##n(int x) { return x + n; }
#define E8(a) EXPORT(a##0) EXPORT(a##1) EXPORT(a##2) EXPORT(a##3) EXPORT(a##4) EXPORT(a##5) EXPORT(a##6) EXPORT(a##7)
E8(1) E8(2) E8(3) E8(4) E8(5) E8(6) E8(7) E8(8)

static int index_seen;
static unsigned long note_kinds[32];
static int n_note_kinds;

static void perms_of(unsigned long addr, char out[8])
{
    strcpy(out, "?");
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char p[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 && addr >= lo && addr < hi) {
            strcpy(out, p);
            break;
        }
    }
    fclose(f);
}

static void add_note(unsigned long kind)
{
    for (int i = 0; i < n_note_kinds; i++)
        if (note_kinds[i] == kind) return;
    if (n_note_kinds < 32) note_kinds[n_note_kinds++] = kind;
}

static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

static int cb(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size; (void)data;
    if (index_seen++ != 0) {
        const char *n = info->dlpi_name, *slash = strrchr(n, '/');
        printf("loaded: %s\n", slash ? slash + 1 : (*n ? n : "(empty)"));
        return 0;
    }
    int relro = 0, interp = 0, tls = 0, stack_exec = -1, eh = 0, build_id_len = -1;
    char relro_perms[8] = "-";
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        switch (ph->p_type) {
        case PT_GNU_RELRO:
            relro = 1;
            perms_of(info->dlpi_addr + ph->p_vaddr, relro_perms);
            break;
        case PT_INTERP: interp = 1; break;
        case PT_TLS: tls = 1; break;
        case PT_GNU_EH_FRAME: eh = 1; break;
        case PT_GNU_STACK: stack_exec = (ph->p_flags & PF_X) != 0; break;
        case PT_NOTE: {
            const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
            const unsigned char *end = p + ph->p_memsz;
            while (p + sizeof(ElfW(Nhdr)) <= end) {
                const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
                const char *name = (const char *)(nh + 1);
                size_t align = ph->p_align > 4 ? 8 : 4;
                if (nh->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                    add_note(nh->n_type);
                    if (nh->n_type == NT_GNU_BUILD_ID) build_id_len = (int)nh->n_descsz;
                }
                size_t off = sizeof(ElfW(Nhdr)) + ((nh->n_namesz + align - 1) & ~(align - 1));
                off += (nh->n_descsz + align - 1) & ~(align - 1);
                p += off;
            }
            break;
        }
        }
    }
    printf("relro=%d relro_perms=%s interp=%d tls=%d eh_frame_hdr=%d stack_exec=%d\n", relro,
           relro_perms, interp, tls, eh, stack_exec);
    printf("build_id_len=%d\n", build_id_len);
    qsort(note_kinds, (size_t)n_note_kinds, sizeof note_kinds[0], cmp_ul);
    printf("GNU note types:");
    for (int i = 0; i < n_note_kinds; i++) printf(" %lu", note_kinds[i]);
    printf("\n");
    return 0;
}

int main(void)
{
    int hash = 0, gnu_hash = 0, bind_now = 0, textrel = 0, debug = 0, pie_flag = 0, needed = 0;
    for (ElfW(Dyn) *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_HASH: hash = 1; break;
        case DT_GNU_HASH: gnu_hash = 1; break;
        case DT_BIND_NOW: bind_now = 1; break;
        case DT_TEXTREL: textrel = 1; break;
        case DT_DEBUG: debug = 1; break;
        case DT_NEEDED: needed++; break;
        case DT_FLAGS:
            if (d->d_un.d_val & DF_BIND_NOW) bind_now = 1;
            if (d->d_un.d_val & DF_TEXTREL) textrel = 1;
            break;
        case DT_FLAGS_1:
            if (d->d_un.d_val & DF_1_NOW) bind_now = 1;
            if (d->d_un.d_val & DF_1_PIE) pie_flag = 1;
            break;
        }
    }
    printf("DT_HASH=%d DT_GNU_HASH=%d bind_now=%d textrel=%d DT_DEBUG=%d DF_1_PIE=%d DT_NEEDED=%d\n",
           hash, gnu_hash, bind_now, textrel, debug, pie_flag, needed);
    dl_iterate_phdr(cb, NULL);

    int found = 0, correct = 0;
    long sum = 0;
    char name[32];
    for (int a = 1; a <= 8; a++)
        for (int b = 0; b < 8; b++) {
            snprintf(name, sizeof name, "si_export_%d%d", a, b);
            int (*f)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, name);
            if (f) { found++; sum += f(1000); }
        }
    correct = dlsym(RTLD_DEFAULT, "si_export_42") == (void *)si_export_42;
    printf("dlsym exported found=%d sum=%ld self==dlsym=%d missing=%d\n", found, sum, correct,
           dlsym(RTLD_DEFAULT, "si_export_99") == NULL);
    printf("dlsym(main) found=%d\n", dlsym(RTLD_DEFAULT, "main") != NULL);
    return 0;
}
