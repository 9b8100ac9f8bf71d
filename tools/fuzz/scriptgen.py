#!/usr/bin/env python3
"""Random linker scripts (SECTIONS) with small C programs that print what the script decided.

run.py's `--kind scripts` uses this instead of gen.py: a script's layout is where a linker most
easily computes a silently wrong value (a script symbol, an address, a size, an LMA), so each program
prints the values it can see (script symbols, differences of section bounds, checksums of the bytes
between them) and run.py also compares the section and program headers of bfd's and braze's outputs.
Two families, chosen per seed:

* hosted (gcc -pie / -no-pie / -static with glibc): bfd's own default script (`ld --verbose`, read
  from the machine's ld at generation time) with random edits: new output sections with file and
  section wildcards, EXCLUDE_FILE, SORT*, KEEP (with --gc-sections), data commands, FILL, ALIGN,
  SUBALIGN, ONLY_IF_RO/RW; assignments (PROVIDE, PROVIDE_HIDDEN, HIDDEN, expressions with ADDR,
  SIZEOF, LOADADDR, ALIGNOF, DEFINED, MAX, MIN, ABSOLUTE) inside and between sections; /DISCARD/;
  orphans with __start_/__stop_ users.
* freestanding (-nostdlib -static, own _start, raw system calls): a fully random script with
  explicit addresses, AT()/AT>, MEMORY regions, PHDRS, ASSERT, NOLOAD.

    python tools/fuzz/scriptgen.py [--arch aarch64] SEED OUTDIR [family=hosted|free mode=pie|nopie|static]

writes the sources, script.ld and spec.json (the same spec format as gen.py's).
"""
import argparse, json, os, random, re, subprocess

_DEFAULT = {}


def default_script(arch, mode):
    """bfd's built-in script for the link (the text between the ===== lines of `ld --verbose`)."""
    key = (arch, mode)
    if key not in _DEFAULT:
        ld = 'aarch64-linux-gnu-ld' if arch == 'aarch64' else 'ld.bfd'
        out = subprocess.run([ld, '--verbose'] + (['-pie'] if mode == 'pie' else []),
                             capture_output=True, text=True, check=True).stdout
        _DEFAULT[key] = out.split('=' * 50 + '\n')[1]
    return _DEFAULT[key]


def statements(text):
    """Top-level output section statements of SECTIONS: [(name, header_pos, open_brace, close_brace)]."""
    res = []
    i, depth, n = 0, 0, len(text)
    sec_start = text.index('SECTIONS')
    i = text.index('{', sec_start) + 1
    depth = 1
    line_start = True
    while i < n and depth > 0:
        ch = text[i]
        if text.startswith('/*', i):
            i = text.index('*/', i) + 2
            continue
        if depth == 1 and ch not in ' \t\n':
            m = re.match(r'(/DISCARD/|\.[\w.]+)\s*[^;{]*?:[^;{]*\{', text[i:])
            if m and line_start:
                ob = i + m.end() - 1
                d, j = 0, ob
                while True:
                    if text[j] == '{': d += 1
                    elif text[j] == '}':
                        d -= 1
                        if d == 0: break
                    j += 1
                res.append((m.group(1), i, ob, j))
                i = j + 1
                line_start = False
                continue
        if ch == '{': depth += 1
        elif ch == '}': depth -= 1
        line_start = ch in '\n;' or (line_start and ch in ' \t')
        i += 1
    return res


class Script:
    """bfd's default script with pending insertions at text positions (applied back to front)."""

    def __init__(self, text):
        self.text = text
        self.ins = []          # (pos, order, text)

    def stmts(self):
        return statements(self.text)

    def find(self, name):
        for s in self.stmts():
            if s[0] == name:
                return s
        return None

    def add(self, pos, t):
        self.ins.append((pos, len(self.ins), t))

    def render(self):
        t = self.text
        for pos, _, s in sorted(self.ins, key=lambda x: (-x[0], -x[1])):
            t = t[:pos] + s + t[pos:]
        return t


PRINT_HOSTED = r'''
#include <stdio.h>
static void P(const char *n, unsigned long v) { printf("%s=%lx\n", n, v); }
'''

PRINT_FREE = {
    'x86_64': r'''
static long sys3(long n, long a, long b, long c) {
  long r; __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r; }
#define SYS_WRITE 1
__asm__(".section .text.fzstart,\"ax\",@progbits\n.globl _start\n_start:\n xor %ebp,%ebp\n and $-16,%rsp\n"
        " call fz_main\n mov %eax,%edi\n mov $60,%eax\n syscall\n hlt\n.previous\n");
''',
    'aarch64': r'''
static long sys3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n; register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b; register long x2 __asm__("x2") = c;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory"); return x0; }
#define SYS_WRITE 64
__asm__(".section .text.fzstart,\"ax\",%progbits\n.globl _start\n_start:\n bl fz_main\n mov x8,#93\n svc #0\n.previous\n");
''',
}

PRINT_FREE_COMMON = r'''
static void P(const char *n, unsigned long v) {
  char b[96]; int k = 0;
  while (*n && k < 60) b[k++] = *n++;
  b[k++] = '=';
  char t[20]; int m = 0;
  do { t[m++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  while (m) b[k++] = t[--m];
  b[k++] = '\n';
  sys3(SYS_WRITE, 1, (long)b, k);
}
'''


class Gen:
    def __init__(self, seed, arch, family=None, mode=None):
        self.seed, self.arch = seed, arch
        r = self.r = random.Random(seed * 7919 + 17)
        self.family = family or r.choice(['hosted', 'hosted', 'free', 'free'])
        if self.family == 'hosted':
            self.mode = mode or r.choice(['pie', 'pie', 'nopie', 'nopie', 'static'])
        else:
            self.mode = 'free'
        self.gc = r.random() < 0.3
        self.fsec = self.gc or r.random() < 0.3
        self.opt = r.choice(['-O0', '-O1', '-O2'])
        self.files = {'main': [], 'a': [], 'b': [], 'm1': [], 'm2': []}
        self.checks = []       # lines of the print function
        self.syms = []         # script symbols the program prints (address)
        self.feats = []
        self.nsec = 0
        self.nsym = 0

    # ---- data in custom input sections
    def data_sec(self, name, writable):
        """A few variables in input sections name.<k> spread over the files; returns nothing."""
        r = self.r
        for k in range(r.randint(1, 4)):
            loc = r.choice(['main', 'a', 'b', 'm1', 'm1'])
            al = r.choice([1, 1, 2, 4, 8, 16, 32])
            n = r.randint(1, 6)
            vals = ', '.join(str(r.randint(0, 255)) for _ in range(n))
            cst = '' if writable else 'const '
            suffix = r.choice(['', f'.{k}', f'.x{r.randint(0, 9)}'])
            sec = name + suffix
            self.files[loc].append(
                f'{cst}unsigned char {name[1:].replace(".", "_")}_v{k}[{n}] '
                f'__attribute__((section("{sec}"), used, aligned({al}))) = {{ {vals} }};')
        if 'm1' in str(self.files['m1']):
            pass

    def sym(self, name):
        self.syms.append(name)
        return name

    def newsym(self, prefix='fz_s'):
        self.nsym += 1
        return f'{prefix}{self.nsym}'

    def expr(self, secs):
        """A random expression over the script's sections (names in secs)."""
        r = self.r
        s = r.choice(secs)
        return r.choice([
            f'ADDR({s})', f'SIZEOF({s})', f'LOADADDR({s})', f'ALIGNOF({s})',
            f'ABSOLUTE(.)', '.', f'. - ADDR({s})', f'ADDR({s}) + SIZEOF({s})',
            f'MAX(SIZEOF({s}), {r.randint(0, 64)})', f'MIN(ADDR({s}), .)',
            f'DEFINED(fz_undef_{r.randint(0, 3)}) ? 1 : {r.randint(2, 9)}',
            f'DEFINED(main) ? ADDR({s}) : 0', f'ALIGN({r.choice([8, 16, 64, 4096])})',
            f'ABSOLUTE(ADDR({s}))', f'{r.randint(0, 1 << 20):#x}', f'(. + {r.randint(1, 100)}) & ~7',
        ])

    def assign(self, secs, inside):
        r = self.r
        name = self.newsym()
        e = self.expr(secs)
        form = r.choice(['plain', 'plain', 'provide', 'provide_hidden', 'hidden'])
        self.sym(name)
        if form == 'plain': return f'{name} = {e};'
        if form == 'provide': return f'PROVIDE({name} = {e});'
        if form == 'provide_hidden': return f'PROVIDE_HIDDEN({name} = {e});'
        return f'HIDDEN({name} = {e});'

    def dot_move(self, inside):
        r = self.r
        return r.choice([f'. = ALIGN({r.choice([4, 8, 16, 32, 256])});', f'. += {r.randint(1, 40)};',
                         f'. = . + {r.randint(1, 24)};'])

    def datacmds(self):
        r = self.r
        out = []
        for _ in range(r.randint(0, 3)):
            c = r.choice(['BYTE', 'SHORT', 'LONG', 'QUAD'])
            out.append(f'{c}({r.randint(0, 1 << 16):#x})')
        return ' '.join(out)

    def patterns(self, name):
        """An input description list for sections name.*."""
        r = self.r
        sp = r.choice([f'{name} {name}.*', f'{name}*', f'SORT({name}.*) {name}', f'SORT_BY_ALIGNMENT({name}*)',
                       f'SORT_BY_NAME({name}*)', f'{name}.[0-9]* {name}'])
        fp = r.choice(['*', '*', '*a.o', 'EXCLUDE_FILE(*b.o) *', '*libfz.a:', '*libfz.a:m1.o', '*.o'])
        if fp.startswith('EXCLUDE_FILE'):
            d = f'{fp}({sp})'
            rest = f' *({name}*)' if r.random() < 0.7 else ''
        elif fp == '*':
            d = f'*({sp})'
            rest = ''
        else:
            d = f'{fp}({sp})'
            rest = f' *({name}*)' if r.random() < 0.8 else ''
        if r.random() < 0.3 or self.gc and r.random() < 0.6:
            d = f'KEEP({d})'
            if rest:
                rest = f' KEEP({rest.strip()})'
        return d + rest

    def bounds_check(self, start, end, nobits=False):
        self.checks.append(f'extern const unsigned char {start}[], {end}[];')
        self.checks.append(f'P("{end}-{start}", (unsigned long)({end} - {start}));')
        if not nobits:
            self.checks.append(f'{{ unsigned long h = 0; for (const volatile unsigned char *p = {start}; p < {end}; p++) '
                               f'h = h * 131 + *p; P("sum {start}", h); }}')

    def new_section(self, secs, free=False, region=None):
        """A new output section with data; returns its statement text."""
        r = self.r
        self.nsec += 1
        n = self.nsec
        name = f'.fz{n}'
        writable = r.random() < 0.5
        self.data_sec(name, writable)
        st, en = f'fz{n}_start', f'fz{n}_end'
        body = []
        body.append(r.choice([f'{st} = .;', f'PROVIDE({st} = .);', f'PROVIDE_HIDDEN({st} = .);', f'HIDDEN({st} = .);']))
        if r.random() < 0.3:
            body.append(f'FILL({r.randint(0, 0xffffffff):#x});')
        if r.random() < 0.3:
            body.append(self.datacmds())
        body.append(self.patterns(name))
        if r.random() < 0.3:
            body.append(self.dot_move(True))
        if r.random() < 0.3:
            body.append(self.datacmds())
        if r.random() < 0.2:
            body.append(self.assign(secs + [name], True))
        body.append(r.choice([f'{en} = .;', f'PROVIDE({en} = .);', f'{en} = ABSOLUTE(.);']))
        hdr = name
        if free and r.random() < 0.2:
            hdr += f' {r.choice(["ALIGN(0x1000)", "ALIGN(64)", ". + 0x100"])}'
        attrs = []
        if r.random() < 0.2: attrs.append(f'ALIGN({r.choice([16, 64, 256])})')
        if r.random() < 0.15: attrs.append(f'SUBALIGN({r.choice([1, 2, 4, 32])})')
        if r.random() < 0.2:
            # (the constraint its own data meets: a section bfd drops for its constraint leaves the
            # symbols defined in it to bfd's late handling, which crashes bfd (SIGSEGV) or makes a
            # PIE's reference to them a text relocation; the draw stays, for the other seeds' sake)
            r.choice(['ONLY_IF_RO', 'ONLY_IF_RW'])
            attrs.append('ONLY_IF_RW' if writable else 'ONLY_IF_RO')
        tail = ''
        if r.random() < 0.2:
            tail = f' ={r.choice(["0x90", "0xdeadbeef", "0x1122"])}'
        txt = f'  {hdr} : {" ".join(attrs)} {{ {" ".join(body)} }}{tail}\n'
        self.bounds_check(st, en)
        self.feats.append('newsec' + ('-only' if any('ONLY_IF' in a for a in attrs) else ''))
        return name, txt

    def orphan(self):
        r = self.r
        nm = f'fz_orph{r.randint(0, 9)}'
        writable = r.random() < 0.5
        cst = '' if writable else 'const '
        for k in range(r.randint(1, 3)):
            loc = r.choice(['main', 'a', 'b'])
            self.files[loc].append(f'{cst}int {nm}_v{k}{loc}[{k + 1}] __attribute__((section("{nm}"), used)) = {{ {k + 7} }};')
        self.checks.append(f'extern const unsigned char __start_{nm}[] __attribute__((weak)), __stop_{nm}[] __attribute__((weak));')
        self.checks.append(f'P("orph {nm}", (unsigned long)(__stop_{nm} - __start_{nm}));')
        self.checks.append(f'if (__start_{nm}) {{ unsigned long h = 0; for (const volatile unsigned char *p = __start_{nm}; '
                           f'p < __stop_{nm}; p++) h = h * 131 + *p; P("sum {nm}", h); }}')
        self.feats.append('orphan')

    # ---- families
    def hosted(self):
        r = self.r
        sc = Script(default_script(self.arch, self.mode))
        names = [s[0] for s in sc.stmts()]
        secs = [n for n in ('.text', '.rodata', '.data', '.bss', '.init_array', '.got', '.eh_frame', '.tdata')
                if n in names]
        for _ in range(r.randint(1, 6)):
            what = r.choice(['newsec', 'newsec', 'newsec', 'inside', 'inside', 'top', 'top', 'discard', 'orphan',
                             'move'])
            stm = sc.stmts()
            if what == 'newsec':
                anchors = [s for s in stm if s[0] in ('.text', '.fini', '.rodata', '.rodata1', '.eh_frame_hdr',
                                                      '.data', '.data1', '.bss', '.init_array', '.tdata',
                                                      '.preinit_array', '.got', '.dynamic', '.lbss', '.gnu.attributes')]
                a = r.choice(anchors)
                name, txt = self.new_section(secs)
                sc.add(a[1], txt.lstrip(' ') + '  ')
                secs.append(name)
            elif what == 'inside':
                a = r.choice([s for s in stm if s[0] in secs or s[0] in ('.rodata', '.data', '.bss', '.text', '.tbss',
                                                                          '.init_array', '.data.rel.ro')])
                if 'ONLY_IF_RW' in sc.text[a[1]:a[2]]:
                    # (not in the RW twin of a read-only statement, .eh_frame's: bfd drops it, see above)
                    a = next((s for s in stm if s[0] == a[0] and 'ONLY_IF_RW' not in sc.text[s[1]:s[2]]), a)
                t = self.assign(secs, True) if r.random() < 0.7 else self.dot_move(True)
                pos = a[2] + 1 if r.random() < 0.5 else a[3]
                sc.add(pos, f' {t} ')
                self.feats.append('inside')
            elif what == 'top':
                a = r.choice(stm[1:])
                sc.add(a[1], self.assign(secs, False) + '\n  ')
                self.feats.append('top')
            elif what == 'discard':
                self.nsec += 1
                nm = f'.fzdisc{self.nsec}'
                self.files[r.choice(['a', 'b', 'main'])].append(
                    f'int fzdisc{self.nsec}[4] __attribute__((section("{nm}"), used)) = {{1}};')
                d = [s for s in stm if s[0] == '/DISCARD/']
                sc.add(d[0][2] + 1, f' *({nm}) ')
                self.feats.append('discard')
            elif what == 'orphan':
                self.orphan()
            elif what == 'move':
                # a data1/rodata1-like statement moved elsewhere: bfd keeps statement order
                cand = [s for s in stm if s[0] in ('.rodata1', '.data1', '.jcr', '.gnu.attributes')]
                if not cand or sc.ins:    # pending insertions hold positions in the unmoved text
                    continue
                a = r.choice(cand)
                tgt = r.choice([s for s in stm if s[0] in ('.data', '.bss', '.rodata', '.text')])
                blk = sc.text[a[1]:a[3] + 1]
                sc.text = sc.text[:a[1]] + sc.text[a[3] + 1:]
                tgt = sc.find(tgt[0])
                sc.text = sc.text[:tgt[1]] + blk + '\n  ' + sc.text[tgt[1]:]
                self.feats.append('move')
        # the default script's own symbols
        for s in r.sample(['__executable_start', 'etext', 'edata', 'end', '__bss_start', '_edata', '_end',
                           '__init_array_start', '__init_array_end', '__preinit_array_start'], r.randint(1, 4)):
            self.syms.append(s)
        return sc.render()

    def free(self):
        def in_region(txt, region, phdr=''):
            """new_section's statement placed in a MEMORY region and/or a segment: `>REGION :phdr` go
            before its `=fill`, where bfd's grammar wants them (after the fill it reads `0x90 >ROM` as one
            nonconstant expression, and `:phdr` is a syntax error)."""
            head, brace, fill = txt.rstrip('\n').rpartition('}')
            return f'{head}{brace}{" " + region if region else ""}{phdr}{fill}'

        r = self.r
        a64 = self.arch == 'aarch64'
        base = r.choice([0x400000, 0x10000000, 0x800000])
        mem = r.random() < 0.3
        phdrs = not mem and r.random() < 0.25
        lines = ['ENTRY(_start)']
        rom = ram = None
        if mem:
            lines.append(f'MEMORY\n{{\n  ROM (rx) : ORIGIN = {base:#x}, LENGTH = 1M\n'
                         f'  RAM (rw!x) : ORIGIN = {base + 0x200000:#x}, LENGTH = 1M\n}}')
            rom, ram = '>ROM', '>RAM'
            self.feats.append('memory')
        if phdrs:
            lines.append('PHDRS\n{\n  hdr PT_LOAD FILEHDR PHDRS;\n  text PT_LOAD;\n  data PT_LOAD;\n'
                         + ('  note PT_NOTE;\n' if r.random() < 0.3 else '') + '}')
            self.feats.append('phdrs')
        body = []
        if not mem:
            body.append(f'  . = {base:#x} + SIZEOF_HEADERS;')
        secs = ['.text', '.rodata', '.data', '.bss']
        ph = lambda p: f' :{p}' if phdrs else ''
        body.append(f'  .text : {{ *(.text.fzstart) *(.text .text.*) }}{" " + rom if rom else ""}{ph("text") if phdrs else ""}')
        if phdrs:
            # PHDRS: the build-id note in the text segment (an orphan note goes ahead of .text, where
            # bfd gives it the data segment's header, which then maps over the text page: both
            # linkers' programs crashed)
            body.insert(len(body) - 1, '  .note.gnu.build-id : { *(.note.gnu.build-id) } :text')
        extra = []
        for _ in range(r.randint(1, 4)):
            name, txt = self.new_section(secs, free=True)
            secs.append(name)
            extra.append((name, txt))
        ro_extra = extra[:len(extra) // 2]
        rw_extra = extra[len(extra) // 2:]
        for name, txt in ro_extra:
            body.append(in_region(txt, rom, ph('text') if phdrs else ''))
        body.append(f'  .rodata : {{ *(.rodata .rodata.*) }}{" " + rom if rom else ""}')
        if r.random() < 0.5:
            body.append('  ' + self.assign(secs, False))
        dat_addr = ''
        at = ''
        at_region = ''
        if not mem:
            body.append(r.choice(['  . = ALIGN(0x1000);', '  . = ALIGN(CONSTANT(MAXPAGESIZE)) + (. & (CONSTANT(MAXPAGESIZE) - 1));',
                                  f'  . = {base + 0x100000:#x};', '  . = ALIGN(0x1000) + 0x40;']))
            if r.random() < 0.3:
                at = f' AT(ADDR(.rodata) + SIZEOF(.rodata))' if r.random() < 0.5 else f' AT({base + 0x300000:#x})'
                self.feats.append('at')
        else:
            if r.random() < 0.5:
                at_region = ' AT>ROM'    # after the region: bfd's grammar has `} >VMA AT>LMA :phdr =fill`
                self.feats.append('at>')
        body.append(f'  .data{dat_addr} :{at} {{ fz_data_start = .; *(.data .data.*) fz_data_end = .; }}'
                    f'{" " + ram if ram else ""}{at_region}{ph("data") if phdrs else ""}')
        self.checks.append('extern const unsigned char fz_data_start[], fz_data_end[];')
        self.checks.append('P("data size", (unsigned long)(fz_data_end - fz_data_start));')
        self.syms += ['fz_data_start']
        for name, txt in rw_extra:
            body.append(in_region(txt, ram))
        if r.random() < 0.5:
            body.append('  ' + self.assign(secs, False))
        nl = r.random() < 0.25
        body.append(f'  .bss{" (NOLOAD)" if nl else ""} : {{ fz_bss_start = .; *(.bss .bss.*) *(COMMON) fz_bss_end = .; }}'
                    f'{" " + ram if ram else ""}')
        if nl: self.feats.append('noload')
        self.checks.append('extern const unsigned char fz_bss_start[], fz_bss_end[];')
        self.checks.append('P("bss size", (unsigned long)(fz_bss_end - fz_bss_start));')
        if r.random() < 0.5:
            body.append('  ' + self.assign(secs, False))
        body.append('  fz_lma_data = LOADADDR(.data);')
        self.syms.append('fz_lma_data')
        if r.random() < 0.3:
            body.append(f'  ASSERT(SIZEOF(.data) < {r.choice([16, 4096])}, "fz: data too large")')
            self.feats.append('assert')
        if r.random() < 0.3:
            body.append(f'  .fznl (NOLOAD) : {{ . += {r.randint(1, 300)}; }}{" " + ram if ram else ""}')
        body.append('  /DISCARD/ : { *(.comment) *(.note.GNU-stack)' + (' *(.eh_frame)' if r.random() < 0.5 else '') + ' }')
        if r.random() < 0.3:
            self.orphan()
        return '\n'.join(lines) + '\nSECTIONS\n{\n' + '\n'.join(body) + '\n}\n'

    def write(self, outdir):
        r = self.r
        os.makedirs(outdir, exist_ok=True)
        script = self.hosted() if self.family == 'hosted' else self.free()
        # a function and data in each file so that archives and patterns have something to pick
        for loc in ('a', 'b', 'm1', 'm2'):
            self.files[loc].append(f'int fz_fn_{loc}(int x) {{ return x * {r.randint(2, 9)} + {r.randint(0, 99)}; }}')
            self.files[loc].append(f'int fz_d_{loc}[{r.randint(1, 8)}] = {{ {r.randint(1, 99)} }};')
            self.files[loc].append(f'int fz_b_{loc}[{r.randint(1, 64)}];')
        free = self.family == 'free'
        pre = (PRINT_FREE[self.arch] + PRINT_FREE_COMMON) if free else PRINT_HOSTED
        main = [pre] + self.files['main']
        main.append('int fz_fn_a(int), fz_fn_b(int), fz_fn_m1(int);')
        main.append('extern int fz_d_a[], fz_b_b[];')
        for s in self.syms:
            main.append(f'extern const unsigned char {s}[];')
        main.append(('int fz_main(void)' if free else 'int main(void)') + ' {')
        main.append('  fz_b_b[0] = fz_fn_a(1) + fz_fn_b(2) + fz_fn_m1(3) + fz_d_a[0];')
        main.append('  P("calls", (unsigned long)fz_b_b[0]);')
        base = '__executable_start' if not free else 'fz_data_start'
        if base not in self.syms and not free:
            main.append(f'extern const unsigned char {base}[];')
        for s in self.syms:
            main.append(f'  P("{s}", (unsigned long){s});')
            main.append(f'  P("{s}-base", (unsigned long)({s} - {base}));')
        for c in self.checks:
            main.append('  ' + c if not c.startswith('extern') else '  { ' + c + ' }' if False else '  ' + c)
        main.append('  return 3;\n}')
        self.files['main'] = main
        for loc, lines in self.files.items():
            with open(os.path.join(outdir, loc + '.c'), 'w') as f:
                f.write('\n'.join(lines) + '\n')
        with open(os.path.join(outdir, 'script.ld'), 'w') as f:
            f.write(script)
        base_fl = [self.opt, '-g0', '-w', '-fno-asynchronous-unwind-tables' if free else '-fasynchronous-unwind-tables']
        if self.fsec: base_fl += ['-ffunction-sections', '-fdata-sections']
        if free:
            base_fl += ['-fno-pic', '-ffreestanding', '-fno-builtin', '-fno-stack-protector', '-fno-tree-loop-distribute-patterns']
            if self.arch == 'x86_64': base_fl.append('-fcf-protection=none')
            pic = []
        else:
            pic = ['-fPIE'] if self.mode == 'pie' else ['-fno-pic']
        compile_ = [[loc + '.c', loc + '.o', base_fl + pic] for loc in self.files]
        ld = ['-Wl,-T,script.ld']
        if self.gc: ld.append('-Wl,--gc-sections'); self.feats.append('gc')
        modeflag = {'pie': ['-pie'], 'nopie': ['-no-pie'], 'static': ['-static'],
                    'free': ['-nostdlib', '-static', '-no-pie']}[self.mode]
        spec = {'seed': self.seed, 'arch': self.arch, 'kind': 'scripts', 'family': self.family, 'lang': 'c',
                'mode': self.mode, 'cc': 'gcc', 'feats': sorted(set(self.feats)), 'partial': [], 'lto': False,
                'compile': compile_, 'archives': [['libfz.a', ['m1.o', 'm2.o']]], 'shlibs': [],
                'exe': ['-o', 'prog', 'main.o', 'a.o', 'b.o', '-L.', '-lfz'] + modeflag + ld,
                'extra_files': ['script.ld']}
        with open(os.path.join(outdir, 'spec.json'), 'w') as f:
            json.dump(spec, f, indent=1)
        return spec


def generate(seed, outdir, arch='x86_64', family=None, mode=None):
    """Write the case for `seed` into outdir; return its spec (also written as spec.json)."""
    return Gen(seed, arch, family, mode).write(outdir)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--arch', choices=['x86_64', 'aarch64'], default='x86_64')
    ap.add_argument('seed', type=int)
    ap.add_argument('outdir')
    ap.add_argument('overrides', nargs='*', help='family=hosted|free mode=pie|nopie|static')
    a = ap.parse_args()
    kw = dict(o.split('=', 1) for o in a.overrides)
    print(json.dumps(generate(a.seed, a.outdir, a.arch, **kw)))
