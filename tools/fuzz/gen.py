#!/usr/bin/env python3
"""Random multi-file C/C++ programs that exercise what a linker decides, for run.py's comparisons.

Each program spreads a few features (weak/common/TLS/IFUNC/copy relocations/versions/archives ...)
over executable TUs, archive members and shared libraries, so that symbol resolution across those
kinds of input is what decides the output; main() prints what it observes and returns 3.  A seed
fixes everything (sources, compile flags, link order and options), so a difference found once
reproduces from its seed alone:

    python tools/fuzz/gen.py --arch aarch64 SEED OUTDIR [feats=f_tls,f_weak mode=pie lang=c]

writes the sources and spec.json (the compile, archive, shared-library and executable steps).
The two architectures share the features; ARCH_* below holds the few choices that differ.
"""
import argparse, json, os, random

EXE = ['main', 'a', 'b']
AR = ['m1', 'm2', 'm3']      # libar.a
BR = ['n1', 'n2']            # libbr.a
LIB = ['l1', 'l2']           # libs1.so (or in static: whole-archive libl.a)
LIB2 = ['k1']                # libs2.so
DL = ['d1']                  # libd1.so, dlopen'ed
ALL = EXE + AR + BR + LIB + LIB2


def rank(loc):
    if loc in EXE: return 0
    if loc in AR: return 1
    if loc in BR: return 2
    if loc in LIB: return 3
    if loc in LIB2: return 4
    return 5


# aarch64: code models are tiny/small/large (no medium); `large` is refused with -fPIC/-fPIE
MODELS = {'x86_64': (['medium', 'large', 'medium'], None),
          'aarch64': (['large', 'large', 'small'], ['tiny', 'large', 'large', 'small'])}


class Ctx:
    def __init__(self, seed, arch='x86_64', lang=None, mode=None, feats_set=1):
        self.seed = seed
        self.fset = feats_set
        self.arch = arch
        r = self.r = random.Random(seed)
        self.lang = lang or r.choice(['c', 'c', 'c', 'cxx'])
        self.mode = mode or r.choice(['pie', 'pie', 'nopie', 'nopie', 'static', 'staticpie'])
        self.so = self.mode in ('pie', 'nopie')
        self.group = r.random() < 0.3
        self.whole_ar = r.random() < 0.1
        self.gc = r.random() < 0.3
        self.opt = r.choice(['-O0', '-O1', '-O2', '-O2'])
        self.fsec = self.gc or r.random() < 0.2
        self.files = {l: [] for l in ALL + DL}
        self.decls = []
        self.cxxdecls = []
        self.checks = []
        self.exe_ld = []
        self.lib_ld = []
        self.lib2_ld = []
        self.dl_ld = []
        self.cflags_extra = {}
        self.fcommon = False
        self.ver = {'VERS_1': [], 'VERS_2': [], 'VERS_3': [], 'local': []}
        self.dynlist = []          # names for libs1 --dynamic-list (if used)
        self.use_dynlist = self.so and r.random() < 0.15
        self.lib_symbolic = r.choice([None] * 6 + ['-Wl,-Bsymbolic', '-Wl,-Bsymbolic-functions'])
        self.need_pthread = False
        self.need_dl = False
        self.used_dl = False
        self.feats = []
        self.exe_export = False
        self.initfini_done = False
        self.asneeded = False
        self.lto = r.random() < 0.15
        # braze: -r is not supported for aarch64 yet
        self.partial = r.random() < 0.15 and arch == 'x86_64'
        self.ar_order = AR[:]
        r.shuffle(self.ar_order)
        self.cm_mixed = arch == 'aarch64' and r.random() < 0.4   # per-TU -mcmodel=tiny/small/large
        self.small_data = self.cm_mixed       # keep images small enough for tiny (+-1MB ADR)
        self.far = []                         # (section, addr) placements
        # set 3 (no draws here: sets 1 and 2 keep their sequences)
        self.rpart3 = False                   # f_rpart3: -r pre-links
        self.deps3 = None                     # f_deps3: how the program reaches libs2
        self.extra3 = {}                      # extra files (name: text)

    # ---- helpers
    def can_ref(self, frm, to):
        if frm == to: return True
        if to in DL or frm in DL:
            return False
        rt, rf = rank(to), rank(frm)
        if rt == 0: return True
        if self.group and {rt, rf} == {1, 2}: return True
        if not self.so and rt == 4 and rf == 3: return True
        if not self.so and rt == 3 and rf == 4: return True
        return rt >= rf

    def pick(self, cands=None, refs_to=None, refd_by=None):
        cands = list(cands or ALL)
        if not self.so:
            pass
        if refs_to:
            cands = [c for c in cands if all(self.can_ref(c, t) for t in refs_to)]
        if refd_by:
            cands = [c for c in cands if all(self.can_ref(f, c) for f in refd_by)]
        assert cands, (refs_to, refd_by)
        return self.r.choice(cands)

    def add(self, loc, code, cxx=False):
        self.files[loc].append((cxx, code))

    def decl(self, code, cxx=False):
        (self.cxxdecls if cxx else self.decls).append(code)

    def check(self, code):
        self.checks.append(code)

    def is_lib(self, loc):
        return loc in LIB or loc in LIB2

    def dyn_lib(self, loc):
        return self.so and self.is_lib(loc)


# ---------------------------------------------------------------- features
def f_ptrtab(c, p):
    r = c.r
    la = c.pick()
    lt = c.pick(refs_to=[la])
    const = r.random() < 0.4
    cq = 'const ' if const else ''
    vals = [r.randint(-1000, 1000) for _ in range(16)]
    c.decl(f'extern {cq}int {p}arr[16]; extern const char {p}text[];')
    c.add(la, f'{cq}int {p}arr[16] = {{{", ".join(map(str, vals))}}};\nconst char {p}text[] = "{p}text_abcdefghij";')
    k1, k2, a, b = r.randint(0, 15), r.randint(1, 6), r.randint(0, 15), r.randint(0, 15)
    kk = r.randint(0, 9)
    c.decl(f'extern {cq}int *{p}p1; extern {cq}int *{p}pm; extern {cq}int *{p}tab[3]; '
           f'struct {p}st {{ int x; {cq}int *p; const char *s; long n; }}; extern struct {p}st {p}sv[2]; '
           f'extern const char *{p}strp; extern {cq}int **{p}pp; int {p}read(int);')
    c.add(lt, f'''{cq}int *{p}p1 = &{p}arr[{k1}];
{cq}int *{p}pm = {p}arr - {k2};
{cq}int *{p}tab[3] = {{ &{p}arr[{a}], {p}arr + {b}, &{p}arr[15] }};
struct {p}st {p}sv[2] = {{ {{ 1, &{p}arr[{a}] + 0, {p}text + 2, 5 }}, {{ 2, {p}arr + 16 - 1, "{p}lit", -3 }} }};
const char *{p}strp = {p}text + {kk};
{cq}int **{p}pp = &{p}tab[1];
int {p}read(int i) {{ return *{p}tab[i] + {p}pm[{k2}] + (*{p}pp)[0]; }}''')
    body = f'''printf("{p} p1=%d pm=%d t0=%d t1=%d t2=%d sv=%d,%d,%s,%s,%ld str=%s pp=%d\\n", *{p}p1, {p}pm[{k2}+1], *{p}tab[0], *{p}tab[1], *{p}tab[2],
  {p}sv[0].p[0], {p}sv[1].p[0], {p}sv[0].s, {p}sv[1].s, {p}sv[1].n, {p}strp, **{p}pp);
printf("{p} eq %d %d %d %d\\n", {p}p1 == &{p}arr[{k1}], {p}pm + {k2} == {p}arr, {p}tab[2] - {p}tab[0], {p}sv[1].p == &{p}arr[15]);'''
    if not const:
        body += f'\n{p}arr[{a}] = 4242; {p}arr[{k2}] += 1; printf("{p} rd %d %d\\n", {p}read(0), {p}read(1));'
    else:
        body += f'\nprintf("{p} rd %d %d\\n", {p}read(0), {p}read(2));'
    c.check(body)


def f_fnptr(c, p):
    r = c.r
    n = r.randint(2, 4)
    locs = [c.pick() for _ in range(n)]
    lt = c.pick(refs_to=locs)
    c.decl(f'typedef int (*{p}fp)(int);')
    for i, l in enumerate(locs):
        vis = ''
        c.decl(f'int {p}g{i}(int);')
        c.add(l, f'int {p}g{i}(int x) {{ return x * {i + 3} + {r.randint(0, 99)}; }}')
    c.decl(f'extern {p}fp {p}ft[{n + 1}]; {p}fp {p}getfp(int);')
    c.add(lt, f'static int {p}sg(int x) {{ return x - 7; }}\n'
              f'{p}fp {p}ft[{n + 1}] = {{ {", ".join(f"{p}g{i}" for i in range(n))}, {p}sg }};\n'
              f'{p}fp {p}getfp(int i) {{ {p}fp l[] = {{ {", ".join(f"&{p}g{i}" for i in range(n))} }}; return l[i]; }}')
    c.check(f'''for (int i = 0; i < {n + 1}; i++) printf("{p} call%d=%d\\n", i, {p}ft[i](i + 10));
{{ {p}fp mine[] = {{ {", ".join(f"{p}g{i}" for i in range(n))} }};
for (int i = 0; i < {n}; i++) printf("{p} eq%d %d %d %d\\n", i, mine[i] == {p}ft[i], {p}getfp(i) == mine[i], {p}getfp(i)(3)); }}''')


def f_weak(c, p):
    r = c.r
    lines = []
    # (a) weak def + strong def, both linked
    wl = c.pick(EXE + LIB + LIB2)
    sl_c = [l for l in EXE + LIB + LIB2 if l != wl]
    if not c.so:
        pass
    sl = r.choice(sl_c)
    c.decl(f'int {p}wf(void); extern int {p}wv; int {p}wcall(void);')
    c.add(wl, f'__attribute__((weak)) int {p}wf(void) {{ return 1; }}\n__attribute__((weak)) int {p}wv = 11;')
    c.add(sl, f'int {p}wf(void) {{ return 2; }}\nint {p}wv = 22;')
    cl = c.pick(EXE + LIB + LIB2, refs_to=[wl, sl])
    c.add(cl, f'int {p}wcall(void) {{ return {p}wf() * 100 + {p}wv; }}')
    lines.append(f'printf("{p} a %d %d %d\\n", {p}wf(), {p}wv, {p}wcall());')
    # (b) weak undefined never defined
    c.add('main', f'extern int {p}u1 __attribute__((weak)); int {p}u2(void) __attribute__((weak));')
    lines.append(f'printf("{p} b %d %d\\n", &{p}u1 != 0, {p}u2 != 0);')
    # (c) weak undefined resolved by a definition somewhere
    dl = c.pick(EXE + LIB + LIB2 + AR)
    anchored = dl in AR
    c.add(dl, f'int {p}rv = 33; int {p}rf(void) {{ return 44; }} int {p}anchor{dl} = 1;')
    c.add('main', f'extern int {p}rv __attribute__((weak)); int {p}rf(void) __attribute__((weak));')
    if anchored and r.random() < 0.5:
        c.add('main', f'extern int {p}anchor{dl};')
        lines.append(f'printf("{p} anchor %d\\n", {p}anchor{dl});')
    lines.append(f'printf("{p} c %d %d\\n", &{p}rv ? {p}rv : -1, {p}rf ? {p}rf() : -1);')
    # (d) weak undefined in a lib/archive, resolved by exe
    ul = c.pick(LIB + AR + LIB2)
    xl = c.pick(EXE)
    c.add(xl, f'int {p}xv = 55; int {p}xf(void) {{ return 66; }}')
    c.add('main', f'extern int {p}xv;')
    c.decl(f'int {p}probe(void);')
    c.add(ul, f'extern int {p}xv __attribute__((weak)); int {p}xf(void) __attribute__((weak));\n'
              f'int {p}probe(void) {{ return (&{p}xv ? {p}xv : -1) * 1000 + ({p}xf ? {p}xf() : -1); }}')
    lines.append(f'printf("{p} d %d\\n", {p}probe());')
    if c.fsec and r.random() < 0.5:
        lines.append(f'printf("{p} d2 %d\\n", {p}xv);')
    c.check('\n'.join(lines))


def f_vis(c, p):
    r = c.r
    lines = []
    # hidden across exe TUs
    l1 = c.pick(EXE + AR)
    c.decl(f'extern int {p}hx __attribute__((visibility("hidden"))); int {p}hfn(void) __attribute__((visibility("hidden")));')
    c.add(l1, f'int {p}hx = 77; int {p}hfn(void) {{ return {p}hx + 1; }}')
    lines.append(f'printf("{p} h %d %d\\n", {p}hx, {p}hfn());')
    if c.so:
        ll = c.pick(LIB)
        # hidden var in lib with exe global of the same name
        c.decl(f'int {p}lib_h(void); int {p}lib_pf(void); int {p}pfn(void); void *{p}lib_pfaddr(void);')
        c.add(ll, f'__attribute__((visibility("hidden"))) int {p}hv = 1;\n'
                  f'int {p}lib_h(void) {{ return {p}hv; }}\n'
                  f'__attribute__((visibility("protected"))) int {p}pfn(void) {{ return 5; }}\n'
                  f'int {p}lib_pf(void) {{ return {p}pfn(); }}\n'
                  f'void *{p}lib_pfaddr(void) {{ return (void*)&{p}pfn; }}')
        c.add('a', f'int {p}hv = 2;')
        c.add('main', f'extern int {p}hv;')
        lines.append(f'printf("{p} hv %d %d\\n", {p}hv, {p}lib_h());')
        if r.random() < 0.5:
            c.add('b', f'int {p}pfn(void) {{ return 6; }}')
            lines.append(f'printf("{p} pf %d %d %d\\n", {p}pfn(), {p}lib_pf(), {p}lib_pfaddr() == (void*)&{p}pfn);')
        else:
            lines.append(f'printf("{p} pf %d %d\\n", {p}pfn(), {p}lib_pf());')
        if r.random() < 0.4:
            c.decl(f'extern int {p}pd; int {p}lib_pd(void);')
            c.add(ll, f'__attribute__((visibility("protected"))) int {p}pd = 9;\nint {p}lib_pd(void) {{ return {p}pd; }}')
            lines.append(f'printf("{p} pd %d\\n", {p}lib_pd());')
    c.check('\n'.join(lines))


def f_common(c, p):
    if c.lang != 'c':
        return False
    r = c.r
    c.fcommon = True
    lines = []
    locs = r.sample(EXE, 2)
    c.decl(f'extern int {p}c; extern char {p}cb[];')
    for l in locs:
        c.add(l, f'int {p}c; char {p}cb[{r.choice([16, 32, 64])}];')
    if r.random() < 0.5:
        c.add(r.choice([x for x in EXE if x not in locs]), f'int {p}c = 7;')
    lines.append(f'{p}cb[15] = 3; printf("{p} c %d %d\\n", {p}c, {p}cb[15]);')
    # common in main, real definition in an archive member
    m = r.choice(AR)
    c.decl(f'extern int {p}ca; int {p}mfn(void);')
    c.add('main', f'int {p}ca;')
    c.add(m, f'int {p}ca = 42;' + (f' int {p}mfn(void) {{ return 1; }}' if r.random() < 0.5 else ''))
    lines.append(f'printf("{p} ca %d\\n", {p}ca);')
    if c.so:
        ll = c.pick(LIB)
        c.decl(f'extern int {p}lc; int *{p}lcaddr(void);')
        c.add(ll, f'int {p}lc; int *{p}lcaddr(void) {{ {p}lc += 5; return &{p}lc; }}')
        if r.random() < 0.6:
            c.add(c.pick(EXE), f'int {p}lc;')
        lines.append(f'printf("{p} lc %d ", {p}lcaddr() == &{p}lc); printf("%d\\n", {p}lc);')
    c.check('\n'.join(lines))


TLS_MODELS = ['', '', 'initial-exec', 'local-dynamic', 'global-dynamic']


def f_tls(c, p):
    r = c.r
    c.need_pthread = True
    x = c.pick(EXE + AR + LIB + LIB2)
    al = r.choice(['', '', '__attribute__((aligned(64)))', '__attribute__((aligned(16)))'])
    v1, v2 = r.randint(1, 999), r.randint(1, 999)
    c.add(x, f'__thread int {p}t1 = {v1};\n__thread int {p}t0;\n__thread long {p}ta[8] {al} = {{ 1, 2, 3, {v2} }};\n'
             f'static __thread int {p}ts = {v2};\nint {p}getts(void) {{ return ++{p}ts; }}\n'
             f'__thread char {p}tb[100];\nlong *{p}taaddr(void) {{ return {p}ta; }}')
    c.decl(f'int {p}getts(void); long *{p}taaddr(void);')
    users = []
    for _ in range(r.randint(1, 3)):
        y = c.pick(EXE + AR + LIB + LIB2, refs_to=[x])
        if y in users:
            continue
        users.append(y)
        def model(loc):
            m = r.choice(TLS_MODELS)
            if m == 'local-dynamic' and loc != x:
                m = ''
            if c.dyn_lib(loc) and m == 'initial-exec' and c.used_dl:
                m = ''
            return f' __attribute__((tls_model("{m}")))' if m else ''
        mod = model(y)
        c.add(y, f'extern __thread int {p}t1{mod}; extern __thread int {p}t0{mod}; extern __thread long {p}ta[8]{mod}; extern __thread char {p}tb[100]{mod};\n'
                 f'long {p}use_{y}(void) {{ {p}t0 += 3; {p}tb[50]++; return {p}t1 * 10000L + {p}t0 * 100 + {p}ta[3] + (&{p}ta[5] - &{p}ta[1]) + {p}tb[50] + ({p}taaddr() == {p}ta); }}')
        c.decl(f'long {p}use_{y}(void);')
    ALN = {'': 8, '__attribute__((aligned(64)))': 64, '__attribute__((aligned(16)))': 16}[al]
    mm = r.choice(['', ' __attribute__((tls_model("initial-exec")))'])
    if c.dyn_lib(x):
        mm = ''
    c.add('main', f'extern __thread int {p}t1{mm}; extern __thread long {p}ta[8]{mm};\n'
                  f'static void {p}show(const char *w) {{ printf("{p} %s t1=%d ts=%d ta3=%ld al=%d", w, {p}t1, {p}getts(), {p}ta[3], (int)(((unsigned long){p}ta) % {ALN} == 0)); '
                  + ''.join(f'printf(" u{i}=%ld", {p}use_{u}()); ' for i, u in enumerate(users)) + 'printf("\\n"); }\n'
                  f'static void *{p}thr(void *a) {{ (void)a; {p}show("thr"); {p}t1 = 5; {p}show("thr2"); return 0; }}')
    c.check(f'{p}show("main"); {p}t1 += 1; {p}show("main2");\n'
            f'{{ pthread_t th; pthread_create(&th, 0, {p}thr, 0); pthread_join(th, 0); }} {p}show("main3");')



# the constructor/destructor kinds: an attribute, or a function pointer in a named section
_CTOR_ATTR = {'ctor': 'constructor', 'ctorp': 'constructor({pr})', 'dtor': 'destructor',
              'dtorp': 'destructor({pr})'}
_CTOR_SECTION = {'raw': '.init_array', 'rawp': '.init_array.{pr:05d}', 'ctors': '.ctors',
                 'ctorsp': '.ctors.{pr:05d}', 'dtors': '.dtors', 'fini': '.fini_array',
                 'preinit': '.preinit_array'}

def f_ctor(c, p):
    r = c.r
    lines = []
    for i in range(r.randint(2, 6)):
        loc = r.choice(EXE + AR + LIB + LIB2 + (DL if c.used_dl else []))
        if loc in AR:
            # make sure member is pulled
            c.add(loc, f'int {p}pull{i} = {i};')
            c.decl(f'extern int {p}pull{i};')
            lines.append(f'{{ volatile int v_ = {p}pull{i}; (void)v_; }}')
        kind = r.choice(['ctor', 'ctorp', 'dtor', 'dtorp', 'raw', 'rawp', 'ctors', 'ctorsp', 'dtors', 'fini', 'preinit', 'atexit'])
        if kind == 'preinit' and loc not in EXE:
            kind = 'ctor'
        if c.mode == 'static' and kind in ('ctors', 'ctorsp', 'dtors'):
            pass
        pr = r.choice([101, 102, 150, 200, 500, 1000, 65000, 65535])
        tag = f'{p}{kind}{i}@{loc}'
        fn = f'{p}cf{i}'
        body = f'static void {fn}(void) {{ fputs("{tag}\\n", stdout); }}\n'
        if kind in _CTOR_ATTR:
            code = f'__attribute__(({_CTOR_ATTR[kind].format(pr=pr)})) ' + body
        elif kind in _CTOR_SECTION:
            code = body + (f'__attribute__((section("{_CTOR_SECTION[kind].format(pr=pr)}"), used)) '
                           f'static void (*{fn}p)(void) = {fn};')
        elif kind == 'atexit':
            code = body + f'__attribute__((constructor)) static void {fn}r(void) {{ atexit({fn}); }}'
        c.add(loc, code)
    if lines:
        c.check('\n'.join(lines))


HIDATTR = ' __attribute__((visibility("hidden")))'


def f_ifunc(c, p):
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    sel = r.randint(0, 1)
    hid = r.random() < 0.2
    c.decl(f'int {p}if(int);')
    c.add(x, f'static int {p}ia(int v) {{ return v + 1000; }}\nstatic int {p}ib(int v) {{ return v + 2000; }}\n'
             f'static int {p}sel = {sel};\n'
             f'static void *{p}res(void) {{ return {p}sel ? (void*){p}ia : (void*){p}ib; }}\n'
             f'int {p}if(int) __attribute__((ifunc("{p}res"))){HIDATTR if hid else ""};\n'
             f'{p}ifp_t {p}if_addr_def(void) {{ return {p}if; }}')
    c.decl(f'typedef int (*{p}ifp_t)(int); {p}ifp_t {p}if_addr_def(void);')
    if hid:
        # only same module users
        uses = [x]
    else:
        cand = EXE + AR + LIB + LIB2
        if x in EXE + AR and c.so:
            cand = EXE + AR   # glibc refuses a library's reference to an exe IFUNC
        uses = sorted({c.pick(cand, refs_to=[x]) for _ in range(2)})
    for u in uses:
        if u == x and not hid:
            continue
        c.add(u, f'{p}ifp_t {p}ifptr_{u} = {p}if;\nint {p}ifcall_{u}(int v) {{ return {p}if(v) + ({p}ifptr_{u} == {p}if); }}\n'
                 f'{p}ifp_t {p}ifaddr_{u}(void) {{ return {p}if; }}')
        c.decl(f'extern {p}ifp_t {p}ifptr_{u}; int {p}ifcall_{u}(int); {p}ifp_t {p}ifaddr_{u}(void);')
    lines = []
    if not hid or x in EXE:
        lines.append(f'printf("{p} call %d %d\\n", {p}if(1), {p}if_addr_def()(2));')
        lines.append(f'printf("{p} eqdef %d\\n", {p}if_addr_def() == {p}if);')
    else:
        lines.append(f'printf("{p} calldef %d\\n", {p}if_addr_def()(2));')
    for u in uses:
        if u == x and not hid:
            continue
        if hid:
            continue
        lines.append(f'printf("{p} u_{u} %d %d %d %d\\n", {p}ifcall_{u}(5), {p}ifptr_{u}(6), {p}ifptr_{u} == {p}if, {p}ifaddr_{u}() == {p}if_addr_def());')
    c.check('\n'.join(lines))


def f_interpose(c, p):
    if not c.so:
        return False
    r = c.r
    ll = c.pick(LIB)
    c.decl(f'int {p}f(void); extern int {p}v; int {p}callf(void); int {p}readv(void); int *{p}addrv(void); void *{p}addrf(void);')
    c.add(ll, f'int {p}f(void) {{ return 1; }}\nint {p}v = 10;\nint {p}callf(void) {{ return {p}f(); }}\n'
              f'int {p}readv(void) {{ return {p}v; }}\nint *{p}addrv(void) {{ return &{p}v; }}\nvoid *{p}addrf(void) {{ return (void*)&{p}f; }}')
    xl = c.pick(EXE)
    defs_f = r.random() < 0.7
    defs_v = r.random() < 0.7
    if defs_f: c.add(xl, f'int {p}f(void) {{ return 2; }}')
    if defs_v: c.add(r.choice(EXE), f'int {p}v = 20;')
    for n in (f'{p}f', f'{p}v'):
        if r.random() < 0.5: c.dynlist.append(n)
    c.check(f'printf("{p} ip %d %d %d %d ", {p}f(), {p}callf(), {p}v, {p}readv());'
            f'printf("%d %d\\n", {p}addrv() == &{p}v, {p}addrf() == (void*)&{p}f);')
    # two libs defining the same function
    if r.random() < 0.6:
        c.decl(f'int {p}g(void); int {p}kcall(void); int {p}lcall(void);')
        c.add('k1', f'int {p}g(void) {{ return 300; }}\nint {p}kcall(void) {{ return {p}g(); }}')
        c.add(ll, f'int {p}g(void) {{ return 100; }}\nint {p}lcall(void) {{ return {p}g(); }}')
        if r.random() < 0.5: c.dynlist.append(f'{p}g')
        c.check(f'printf("{p} g %d %d %d\\n", {p}g(), {p}kcall(), {p}lcall());')


def f_copyrel(c, p):
    r = c.r
    ll = c.pick(LIB + LIB2)
    al = r.choice([8, 16, 32, 64])
    c.decl(f'extern int {p}d[6]; extern const int {p}cd[4]; extern int {p}dal[6]; int {p}dget(int); int *{p}daddr(void); const int *{p}cdaddr(void);'
           f'struct {p}A {{ char c; double d __attribute__((aligned({al}))); }}; extern struct {p}A {p}as; struct {p}A *{p}asaddr(void);'
           f'extern const char {p}cs[]; const char *{p}csaddr(void);')
    vals = [r.randint(0, 99) for _ in range(6)]
    c.add(ll, f'int {p}d[6] = {{{", ".join(map(str, vals))}}};\nconst int {p}cd[4] = {{ 9, 8, 7, 6 }};\n'
              f'extern int {p}dal[6] __attribute__((weak, alias("{p}d")));\n'
              f'int {p}dget(int i) {{ return {p}d[i]; }}\nint *{p}daddr(void) {{ return {p}d; }}\nconst int *{p}cdaddr(void) {{ return {p}cd; }}\n'
              f'struct {p}A {p}as = {{ 1, 2.5 }};\nstruct {p}A *{p}asaddr(void) {{ return &{p}as; }}\n'
              f'const char {p}cs[] = "copyme{p}";\nconst char *{p}csaddr(void) {{ return {p}cs; }}')
    u = c.pick(EXE + AR, refs_to=[ll])
    c.decl(f'int *{p}uptr(void);')
    c.add(u, f'int *{p}up = &{p}d[3];\nint *{p}uptr(void) {{ return {p}up; }}')
    c.check(f'{p}d[2] = 77; {p}dal[1] = 55;\n'
            f'printf("{p} cr %d %d %d %d %d %d\\n", {p}dget(2), {p}dget(1), {p}daddr() == {p}d, {p}dal == {p}d, {p}cdaddr() == {p}cd, {p}cd[2]);\n'
            f'printf("{p} cr2 %d %d %d %s %d\\n", {p}asaddr() == &{p}as, (int)(((unsigned long)&{p}as.d) % {al}), {p}uptr() == &{p}d[3], {p}cs, {p}csaddr() == {p}cs);')


def f_strmerge(c, p):
    r = c.r
    locs = r.sample(EXE + AR, 3)
    s = f'str_{p}_common_{r.randint(0, 9999)}'
    if r.random() < 0.3:
        s = s + '_' + 'x' * r.randint(20, 40)  # long strings get aligned by gcc
    for l in locs:
        c.add(l, f'const char *{p}s_{l} = "{s}";\nconst char *{p}t_{l} = "ab{s}";\n'
                 f'static const double {p}dd_{l}[2] = {{ 1.5, 2.25 }}; const double *{p}dp_{l} = {p}dd_{l};\n'
                 f'const wchar_t *{p}w_{l} = L"w{s}";')
        c.decl(f'extern const char *{p}s_{l}; extern const char *{p}t_{l}; extern const double *{p}dp_{l}; extern const wchar_t *{p}w_{l};')
    a, b, d = locs
    c.check(f'printf("{p} sm %d %d %d %d %d %s\\n", {p}s_{a} == {p}s_{b}, {p}s_{b} == {p}s_{d}, {p}t_{a} + 2 == {p}s_{b}, {p}t_{a} == {p}t_{d}, {p}w_{a} == {p}w_{b}, {p}t_{b});\n'
            f'printf("{p} dm %d %g\\n", {p}dp_{a} == {p}dp_{b}, {p}dp_{d}[1]);')


def f_version(c, p):
    if not c.so:
        return False
    r = c.r
    ll = c.pick(LIB)
    c.add(ll, f'int {p}old(void) {{ return 1; }}\nint {p}new(void) {{ return 2; }}\n'
              f'__asm__(".symver {p}old,{p}api@VERS_1");\n__asm__(".symver {p}new,{p}api@@VERS_2");\n'
              f'int {p}dv = 5;\nint {p}callapi(void) {{ return {p}api() * 10; }}')
    c.ver['VERS_1'] += [f'{p}dv']
    c.ver['VERS_2'] += [f'{p}callapi']
    c.ver['local'] += [f'{p}old', f'{p}new']
    c.decl(f'int {p}api(void); extern int {p}dv; int {p}callapi(void);')
    xo = c.pick(['a', 'b'])
    c.add(xo, f'__asm__(".symver {p}api_v1,{p}api@VERS_1");\nint {p}api_v1(void);\nint {p}call_v1(void) {{ return {p}api_v1(); }}')
    c.decl(f'int {p}call_v1(void);')
    c.need_dl = True
    c.check(f'printf("{p} ver %d %d %d %d\\n", {p}api(), {p}call_v1(), {p}dv, {p}callapi());\n'
            f'{{ void *s1 = dlvsym(RTLD_DEFAULT, "{p}api", "VERS_1"), *s2 = dlvsym(RTLD_DEFAULT, "{p}api", "VERS_2"), *s0 = dlsym(RTLD_DEFAULT, "{p}api");\n'
            f'  printf("{p} dlv %d %d %d", s1 ? ((int(*)(void))s1)() : -1, s2 ? ((int(*)(void))s2)() : -1, s0 ? ((int(*)(void))s0)() : -1);\n'
            f'  void *d1 = dlvsym(RTLD_DEFAULT, "{p}dv", "VERS_1"), *d2 = dlvsym(RTLD_DEFAULT, "{p}dv", "VERS_2");\n'
            f'  printf(" %d %d\\n", d1 == (void*)&{p}dv, d2 != 0); }}')


def f_wrap(c, p):
    r = c.r
    x = c.pick(['a', 'b'] + AR + (LIB if c.so else []))
    c.decl(f'int {p}w(int); int __real_{p}w(int); int __wrap_{p}w(int); int {p}inner(int);')
    c.add(x, f'int {p}w(int v) {{ return v + 1; }}\nint {p}inner(int v) {{ return {p}w(v) * 2; }}')
    y = c.pick(['a', 'b', 'main'])
    c.add(y, f'int __wrap_{p}w(int v) {{ return __real_{p}w(v) + 100; }}')
    c.exe_ld.append(f'-Wl,--wrap={p}w')
    c.check(f'printf("{p} wrap %d %d %d\\n", {p}w(1), {p}inner(2), __real_{p}w(3));')


def f_defsym(c, p):
    r = c.r
    x = c.pick(['a', 'b', 'main'])
    c.add(x, f'int {p}target(int v) {{ return v * 3; }}\nint {p}darr[4] = {{ 10, 20, 30, 40 }};')
    c.decl(f'int {p}alias(int); extern int {p}darr[4]; extern int {p}d2[];')
    c.add('main', f'extern char {p}abs[];')
    c.exe_ld += [f'-Wl,--defsym={p}alias={p}target', f'-Wl,--defsym={p}abs=0x1234', f'-Wl,--defsym={p}d2={p}darr+8']
    c.check(f'printf("{p} ds %d %lx %d %d\\n", {p}alias(5), (unsigned long){p}abs & 0xfff, {p}d2[0], {p}darr[1]);')


def f_archive(c, p):
    r = c.r
    c.decl(f'int {p}a(void); int {p}b(void); int {p}c(void); extern int {p}x; int {p}d(void);')
    m1, m2, m3 = r.sample(AR, 3)
    c.add(m1, f'int {p}a(void) {{ return {p}b() + 1000; }}\n__attribute__((weak)) int {p}x = 1;')
    c.add(m2, f'int {p}b(void) {{ return 2; }}\nint {p}c(void) {{ return 20; }}\nint {p}x = 2;')
    c.add(m3, f'__attribute__((weak)) int {p}b(void) {{ return 3; }}\nint {p}m3only = 1;')
    lines = [f'printf("{p} ar %d %d\\n", {p}a(), {p}x);']
    if r.random() < 0.4:
        c.decl(f'extern int {p}m3only;')
        lines.append(f'printf("{p} m3 %d\\n", {p}m3only);')
    if r.random() < 0.4:
        lines.append(f'printf("{p} c %d\\n", {p}c());')
    n = r.choice(BR)
    if c.group:
        e = r.choice([m2, m3])
        c.add(e, f'int {p}e(void) {{ return 50; }}')
        c.decl(f'int {p}e(void);')
        c.add(n, f'int {p}d(void) {{ return {p}e() + 5; }}')
        lines.append(f'printf("{p} d %d %d\\n", {p}d(), {p}b());')
    # definition in exe shadows archive member definition
    c.decl(f'int {p}sh(void);')
    c.add('b', f'int {p}sh(void) {{ return 1; }}')
    if not c.whole_ar:
        c.add([b_ for b_ in BR if b_ != n][0], f'__attribute__((weak)) int {p}sh(void) {{ return 2; }}\nint {p}unused_{p}(void) {{ return 0; }}')
    lines.append(f'printf("{p} sh %d\\n", {p}sh());')
    c.check('\n'.join(lines))


def f_startstop(c, p):
    r = c.r
    locs = r.sample(EXE + AR, r.randint(1, 3))
    tot = 0
    for i, l in enumerate(locs):
        v = r.randint(1, 100)
        c.add(l, f'__attribute__((section("{p}set"), used)) static const int {p}e{i}[2] = {{ {v}, {i} }};'
                 + (f' int {p}pullss{i} = 1;' if l in AR else ''))
        if l in AR:
            c.decl(f'extern int {p}pullss{i};')
            c.check(f'{{ volatile int v_ = {p}pullss{i}; (void)v_; }}')
    c.add('main', f'extern const int __start_{p}set[], __stop_{p}set[];')
    c.check(f'printf("{p} ss n=%d", (int)(__stop_{p}set - __start_{p}set)); for (const int *q = __start_{p}set; q < __stop_{p}set; q++) printf(" %d", *q); printf("\\n");')
    if c.so and r.random() < 0.5:
        ll = c.pick(LIB)
        c.add(ll, f'__attribute__((section("{p}lset"), used)) static const int {p}le[3] = {{ 4, 5, 6 }};\n'
                  f'extern const int __start_{p}lset[] __attribute__((weak)), __stop_{p}lset[] __attribute__((weak));\n'
                  f'int {p}lcount(void) {{ return (int)(__stop_{p}lset - __start_{p}lset); }}')
        c.decl(f'int {p}lcount(void);')
        c.check(f'printf("{p} lss %d\\n", {p}lcount());')
    # retained / gc'd stuff
    if c.gc:
        c.add(r.choice(EXE), f'__attribute__((used, retain)) static int {p}keep(void) {{ return 1; }}\n'
                             f'int {p}unused_fn(void) {{ return 2; }} int {p}unused_var = 3;')


def f_bss(c, p):
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    big = r.choice([1 << 12, 1 << 16]) if c.small_data else r.choice([1 << 16, 1 << 20, 3 << 20])
    c.decl(f'extern char {p}big[{big}]; extern int {p}pg[10]; char *{p}bigaddr(void);')
    c.add(x, f'char {p}big[{big}] __attribute__((nocommon));\nstatic char {p}sbig[{big}];\n__attribute__((aligned(4096))) int {p}pg[10] = {{ 1 }};\n'
             f'__attribute__((aligned(4096))) static char {p}zpg[8192];\n'
             f'char *{p}bigaddr(void) {{ {p}sbig[{big} - 1] = 9; {p}zpg[5] = 1; return {p}big + {p}sbig[{big} - 1] - 9 + {p}zpg[5] - 1; }}')
    if c.arch == 'x86_64' and r.random() < 0.3:
        c.cflags_extra.setdefault(x, []).append('-mcmodel=medium')
    c.check(f'{p}big[{big} - 1] = 7; printf("{p} bss %d %d %d %d %d\\n", {p}big[{big} - 1], {p}big[5], {p}pg[0], (int)(((unsigned long){p}pg) & 4095), {p}bigaddr() == {p}big);')


def f_alias(c, p):
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    c.decl(f'extern int {p}ax; extern int {p}ay; extern int {p}az; int {p}afn(void); int {p}afn2(void);')
    wk = 'weak, ' if c.dyn_lib(x) else ''   # a strong alias too: bfd and braze copy-relocate under different names
    c.add(x, f'int {p}ax = 5;\nextern int {p}ay __attribute__(({wk}alias("{p}ax")));\nextern int {p}az __attribute__((weak, alias("{p}ax")));\n'
             f'int {p}afn(void) {{ return {p}ax + 1; }}\nint {p}afn2(void) __attribute__((alias("{p}afn")));')
    c.check(f'{p}ay = 9; printf("{p} al %d %d %d %d %d %d\\n", {p}ax, {p}az, &{p}ax == &{p}ay, &{p}az == &{p}ax, {p}afn2(), {p}afn == {p}afn2);')


def f_export(c, p):
    if not c.so:
        return False
    r = c.r
    how = r.choice(['E', 'dl', 'sym', 'none'])
    c.add('a', f'int {p}e1(void) {{ return 71; }}\nint {p}e2(void) {{ return 72; }}')
    c.decl(f'int {p}e1(void);')
    if how == 'E':
        c.exe_ld.append('-Wl,--export-dynamic'); c.exe_export = True
    elif how == 'dl':
        c.exe_dynlist = getattr(c, 'exe_dynlist', []) + [f'{p}e1']
    elif how == 'sym':
        c.exe_ld.append(f'-Wl,--export-dynamic-symbol={p}e1')
    c.need_dl = True
    c.check(f'{{ void *s = dlsym(RTLD_DEFAULT, "{p}e1"), *t = dlsym(RTLD_DEFAULT, "{p}e2"); printf("{p} exp %d %d %d\\n", s != 0, t != 0, {p}e1()); }}')


def f_dlopen(c, p):
    if not c.so:
        return False
    r = c.r
    c.used_dl = True
    c.need_dl = True
    c.need_pthread = True
    ll = c.pick(LIB)
    c.decl(f'int {p}libv(void);')
    c.add(ll, f'int {p}libv(void) {{ return 12; }}')
    c.add('d1', f'__thread int {p}dt = 3; __thread int {p}dz;\n__attribute__((constructor)) static void {p}dc(void) {{ fputs("{p} dlctor\\n", stdout); }}\n'
                f'__attribute__((destructor)) static void {p}dd(void) {{ fputs("{p} dldtor\\n", stdout); }}\n'
                f'int {p}dfn(int x) {{ {p}dz += x; return {p}dt++ * 100 + {p}dz + {p}libv(); }}')
    c.check(f'{{ void *h = dlopen("libd1.so", RTLD_NOW); if (!h) {{ printf("{p} dlopen fail\\n"); }} else {{\n'
            f'  int (*f)(int) = (int(*)(int))dlsym(h, "{p}dfn"); printf("{p} dl %d ", f(1)); printf("%d\\n", f(2)); dlclose(h); }} }}')


# ---------------- C++ features
def x_exc(c, p):
    r = c.r
    kx = c.pick(EXE + LIB + LIB2 + AR)
    tx = c.pick(EXE + LIB + LIB2 + AR, refs_to=[kx])
    c.decl(f'''struct {p}E {{ int code; {p}E(int c) : code(c) {{}} virtual ~{p}E(); virtual int what() const; }};
struct {p}E2 : {p}E {{ {p}E2(int c) : {p}E(c) {{}} int what() const override; }};
void {p}throw(int k); int {p}guarded(int k);''', cxx=True)
    c.add(kx, f'{p}E::~{p}E() {{}}\nint {p}E::what() const {{ return code; }}\nint {p}E2::what() const {{ return code * 10; }}', cxx=True)
    c.add(tx, f'''struct {p}Raii {{ int k; ~{p}Raii() {{ printf("{p} unwind %d\\n", k); }} }};
void {p}throw(int k) {{ {p}Raii g{{k}}; if (k == 1) throw {p}E2(k); if (k == 2) throw 42; if (k == 3) throw std::runtime_error("rt{p}"); if (k == 4) throw {p}E(k); }}
int {p}guarded(int k) {{ try {{ {p}throw(k); }} catch (const {p}E &e) {{ return e.what() + 1; }} return 0; }}''', cxx=True)
    c.check(f'''for (int k = 0; k < 5; k++) {{ try {{ {p}throw(k); printf("{p} nothrow %d\\n", k); }}
  catch (const {p}E &e) {{ printf("{p} E %d %d %d\\n", k, e.what(), dynamic_cast<const {p}E2*>(&e) != 0); }}
  catch (int i) {{ printf("{p} int %d\\n", i); }}
  catch (const std::exception &e) {{ printf("{p} std %s\\n", e.what()); }} }}
printf("{p} guarded %d %d\\n", {p}guarded(1), {p}guarded(4));''')


def x_tmpl(c, p):
    r = c.r
    c.decl(f'''template<int N> inline int {p}cnt() {{ static int c = N * 10; return ++c; }}
template<class T> struct {p}S {{ static int v; static int get() {{ return ++v; }} }};
template<class T> int {p}S<T>::v = 7;
inline int {p}iv = 3;
int {p}use_tmpl_a(); int {p}use_tmpl_b();''', cxx=True)
    la = c.pick(EXE + AR + LIB + LIB2)
    lb = c.pick(EXE + AR + LIB + LIB2)
    c.add(la, f'int {p}use_tmpl_a() {{ {p}iv++; return {p}cnt<1>() * 1000 + {p}S<int>::get() * 10 + {p}iv; }}', cxx=True)
    if lb != la:
        c.add(lb, f'int {p}use_tmpl_b() {{ {p}iv += 2; return {p}cnt<1>() * 1000 + {p}S<int>::get() * 10 + {p}cnt<2>() + {p}iv; }}', cxx=True)
    else:
        c.add(lb, f'int {p}use_tmpl_b() {{ return 0; }}', cxx=True)
    c.check(f'printf("{p} t %d %d %d ", {p}use_tmpl_a(), {p}use_tmpl_b(), {p}cnt<1>()); printf("%d %d %d\\n", {p}S<int>::get(), {p}cnt<2>(), {p}iv);')


def x_guard(c, p):
    c.need_pthread = True
    c.decl(f'''struct {p}O {{ int v; {p}O(int x) : v(x) {{ printf("{p} O ctor %d\\n", x); }} ~{p}O() {{ printf("{p} O dtor %d\\n", v); }} }};
inline {p}O &{p}inst() {{ static {p}O o(5); return o; }}
int {p}ginst();''', cxx=True)
    l = c.pick(EXE + AR + LIB)
    c.add(l, f'int {p}ginst() {{ return ++{p}inst().v; }}', cxx=True)
    c.check(f'printf("{p} g %d\\n", {p}ginst()); printf("{p} g2 %d\\n", ++{p}inst().v);')


def x_tlocal(c, p):
    r = c.r
    c.need_pthread = True
    c.decl(f'''struct {p}T {{ int v; {p}T(); ~{p}T(); }};
extern thread_local {p}T {p}tl; extern thread_local int {p}tli;
int {p}tluse();''', cxx=True)
    x = c.pick(EXE + AR + LIB + LIB2)
    c.add(x, f'''static int {p}tcount;
{p}T::{p}T() : v(++{p}tcount * 10) {{ printf("{p} T ctor %d\\n", v); }}
{p}T::~{p}T() {{ printf("{p} T dtor %d\\n", v); }}
thread_local {p}T {p}tl; thread_local int {p}tli = 4;''', cxx=True)
    y = c.pick(EXE + AR + LIB + LIB2, refs_to=[x])
    c.add(y, f'int {p}tluse() {{ return {p}tl.v++ + {p}tli++; }}', cxx=True)
    c.check(f'printf("{p} m %d\\n", {p}tluse()); printf("{p} m2 %d %d\\n", {p}tluse(), {p}tl.v);\n'
            f'{{ std::thread th([]{{ printf("{p} th %d\\n", {p}tluse()); }}); th.join(); }}\nprintf("{p} m3 %d\\n", {p}tluse());')


def x_virt(c, p):
    r = c.r
    kx = c.pick(EXE + LIB + LIB2 + AR)
    c.decl(f'''struct {p}B {{ virtual int f(); virtual ~{p}B(); int g() {{ return f() + 1; }} }};
struct {p}LD : {p}B {{ int f() override; }};
{p}B *{p}make(int k); int {p}callf({p}B *b); int {p}isld({p}B *b); const std::type_info &{p}ti_ld();''', cxx=True)
    c.add(kx, f'''int {p}B::f() {{ return 1; }}
{p}B::~{p}B() {{}}
int {p}LD::f() {{ return 2; }}
{p}B *{p}make(int k) {{ if (k) return new {p}LD; return new {p}B; }}
int {p}callf({p}B *b) {{ return b->f(); }}
int {p}isld({p}B *b) {{ return dynamic_cast<{p}LD*>(b) != 0; }}
const std::type_info &{p}ti_ld() {{ return typeid({p}LD); }}''', cxx=True)
    c.add('main', f'struct {p}XD : {p}LD {{ int f() override {{ return 100; }} }};', cxx=True)
    c.check(f'''{{ {p}B *b0 = {p}make(0), *b1 = {p}make(1); {p}XD xd;
printf("{p} v %d %d %d %d %d\\n", b0->f(), b1->g(), {p}callf(&xd), {p}isld(&xd), {p}isld(b0));
printf("{p} rt %d %d %d %d\\n", dynamic_cast<{p}LD*>(b1) != 0, typeid(*b1) == typeid({p}LD), {p}ti_ld() == typeid({p}LD), dynamic_cast<{p}XD*>(({p}B*)&xd) == &xd);
printf("{p} nm %s\\n", typeid(xd).name()); delete b0; delete b1; }}''')


def x_initorder(c, p):
    r = c.r
    c.decl(f'struct {p}G {{ int id; {p}G(int i) : id(i) {{ printf("{p} G ctor %d\\n", i); }} ~{p}G() {{ printf("{p} G dtor %d\\n", id); }} }};', cxx=True)
    for i in range(r.randint(2, 5)):
        l = r.choice(EXE + LIB + LIB2)
        pr = r.choice([None, None, 101, 200, 300, 65000])
        attr = f' __attribute__((init_priority({pr})))' if pr else ''
        c.add(l, f'static {p}G {p}gobj{i}{attr}({i});', cxx=True)


def f_model(c, p):
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    y = c.pick(EXE + AR + LIB + LIB2, refs_to=[x])
    for loc in dict.fromkeys((x, y)):   # (not a set: its order follows string hashing)
        m = r.choice(MODELS[c.arch][1] if c.small_data else MODELS[c.arch][0])
        if loc in c.cflags_extra and any('mcmodel' in f for f in c.cflags_extra[loc]):
            continue
        c.cflags_extra.setdefault(loc, []).append('-mcmodel=' + m)   # large dropped later when PIC
    n = r.choice([2000, 20000]) if c.small_data else r.choice([20000, 70000, 300000])
    c.decl(f'extern int {p}L[{n}]; extern const int {p}R[{n}]; extern int {p}Z[{n}]; extern int {p}s; int {p}lf(int); int *{p}Laddr(void); const int *{p}Raddr(void);')
    c.add(x, f'int {p}L[{n}] = {{ 1, 2, 3 }};\nconst int {p}R[{n}] = {{ 4, 5, 6 }};\nint {p}Z[{n}] __attribute__((nocommon));\nint {p}s = 6;\n'
             f'static int {p}sL[{n}] = {{ 7 }};\nint {p}lf(int i) {{ return {p}L[i] + {p}R[i] + {p}Z[i] + {p}sL[i] + {p}s; }}\n'
             f'int *{p}Laddr(void) {{ return {p}L; }}\nconst int *{p}Raddr(void) {{ return {p}R; }}')
    c.decl(f'int {p}yf(int);')
    c.add(y, f'int *{p}Lp = &{p}L[{n}-1]; const int *{p}Rp = {p}R + {n} - 2;\n'
             f'int {p}yf(int i) {{ {p}Z[i] = i * 3; return *{p}Lp * 100 + *{p}Rp + {p}lf(i) + ({p}Laddr() == {p}L) + ({p}Raddr() == {p}R); }}')
    c.check(f'printf("{p} model %d %d %d %d %d\\n", {p}yf(0), {p}yf(1), {p}yf({n} - 1), {p}L[{n}-1], {p}Laddr() == {p}L);')


def f_far(c, p):
    """Functions placed >128MB away with --section-start: CALL26/JUMP26 range-extension veneers."""
    r = c.r
    x = c.pick(EXE)
    sec = f'.far{p[:-1]}'
    addr = r.choice([0x9000000, 0x10000000]) + 0x10000000 * len(c.far)
    c.far.append((sec, addr))
    c.decl(f'int {p}farf(int); int {p}nearf(int); extern int (*{p}farp)(int);')
    c.add(x, f'__attribute__((section("{sec}"), noinline)) int {p}farf(int v) {{ printf("{p} in far %d\\n", v); return {p}nearf(v) + 7; }}\n'
             f'__attribute__((section("{sec}"), noinline)) static int {p}farst(int v) {{ return v * 2; }}\n'
             f'int (*{p}farp)(int) = {p}farf;\n'
             f'int {p}callfarst(int v) {{ return {p}farst(v); }}')
    c.decl(f'int {p}callfarst(int);')
    y = c.pick(EXE + AR)
    c.add(y, f'int {p}nearf(int v) {{ return v + 1000; }}')
    c.check(f'printf("{p} far %d %d %d %d\\n", {p}farf(3), {p}farp(4), {p}farp == {p}farf, {p}callfarst(5));')


def f_erratum(c, p):
    """ADRP at page offset 0xff8/0xffc followed by loads: cortex-a53 843419 fixes (ADR or veneer)."""
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    far = (not c.small_data) and r.random() < 0.5
    c.decl(f'long {p}erra(long *); long {p}errb(long *);')
    pad = f'const char {p}pad[1600000] = {{ 1 }};\nconst char *{p}padp(void) {{ return {p}pad; }}\n' if far else ''
    c.add(x, pad + f'__attribute__((visibility("hidden"), used)) long {p}ev[4] = {{ 11, 22, 33, 44 }};\n'
             f'__asm__(".pushsection .text.{p}ea,\\"ax\\",%progbits\\n.balign 4096\\n.globl {p}erra\\n.type {p}erra,%function\\n{p}erra:\\n'
             f' mov x2, x0\\n b 1f\\n.rept 1020\\nnop\\n.endr\\n1:\\n adrp x0, {p}ev\\n ldr x1, [x2]\\n ldr x0, [x0, #:lo12:{p}ev+8]\\n add x0, x0, x1\\n ret\\n'
             f'.size {p}erra, .-{p}erra\\n.popsection\\n");\n'
             f'__asm__(".pushsection .text.{p}eb,\\"ax\\",%progbits\\n.balign 4096\\n.globl {p}errb\\n.type {p}errb,%function\\n{p}errb:\\n'
             f' mov x2, x0\\n mov x3, #5\\n b 1f\\n.rept 1020\\nnop\\n.endr\\n1:\\n adrp x0, {p}ev\\n str x3, [x2, #8]\\n add x3, x3, #1\\n ldr x0, [x0, #:lo12:{p}ev+24]\\n add x0, x0, x3\\n ret\\n'
             f'.size {p}errb, .-{p}errb\\n.popsection\\n");')
    c.check(f'{{ long sc[2] = {{ 100, 0 }}; long a_ = {p}erra(sc), b_ = {p}errb(sc); printf("{p} err %ld %ld %ld\\n", a_, b_, sc[1]); }}')


def f_tlsie(c, p):
    """TLS in the executable with explicit models and descriptors from libraries; static TLS offsets."""
    r = c.r
    c.need_pthread = True
    x = c.pick(EXE + AR)
    c.add(x, f'__thread int {p}a = 5; __thread char {p}pad[{r.choice([8, 300, 5000])}]; __thread int {p}b __attribute__((aligned({r.choice([4, 32, 128])}))) = 9;\n'
             f'static __thread int {p}loc = 3;\nint {p}bump(void) {{ return ++{p}loc + {p}pad[1]; }}\n'
             f'int *{p}aaddr(void) {{ return &{p}a; }}')
    c.decl(f'int {p}bump(void); int *{p}aaddr(void);')
    c.add('main', f'extern __thread int {p}a __attribute__((tls_model("{r.choice(["initial-exec", "local-exec", "global-dynamic"])}"))), {p}b;')
    c.check(f'printf("{p} tie %d %d %d %d\\n", {p}a, {p}b, {p}bump(), {p}aaddr() == &{p}a);')


def f_ifunc_data(c, p):
    """Address of an IFUNC taken in static data and compared across modules (canonical PLT)."""
    r = c.r
    x = c.pick(EXE + AR)
    c.decl(f'int {p}ifd(void); extern int (*{p}ifdtab[2])(void);')
    c.add(x, f'static int {p}one(void) {{ return 1; }} static int {p}two(void) {{ return 2; }}\n'
             f'static void *{p}rs(unsigned long hw) {{ return (hw & 2) ? (void*){p}two : (void*){p}one; }}\n'
             f'int {p}ifd(void) __attribute__((ifunc("{p}rs")));\n'
             f'int (*{p}ifdtab[2])(void) = {{ {p}ifd, 0 }};')
    c.check(f'printf("{p} ifd %d %d %d\\n", {p}ifd(), {p}ifdtab[0](), {p}ifdtab[0] == {p}ifd);')


def f_initfini(c, p):
    if not c.so or c.initfini_done:
        return False
    c.initfini_done = True
    ll = c.pick(LIB)
    c.add(ll, f'void {p}myinit(void) {{ fputs("{p} lib -init\\n", stdout); }}\nvoid {p}myfini(void) {{ fputs("{p} lib -fini\\n", stdout); }}')
    c.lib_ld += [f'-Wl,-init={p}myinit', f'-Wl,-fini={p}myfini']


def f_asneeded(c, p):
    if not c.so:
        return False
    c.asneeded = True
    c.decl(f'int {p}kw(void);')
    c.add('k1', f'int {p}kw(void) {{ return 5; }}')
    c.add('main', f'int {p}kw(void) __attribute__((weak));')
    c.check(f'printf("{p} asn %d\\n", {p}kw ? {p}kw() : -1);')


# ---------------------------------------------------------------- feature set 2 (--feats-set 2)
# Drawn only when generate(feats_set=2): set 1's seeds keep their programs.

def f_symver2(c, p):
    """One name in three versions (symver attribute) plus versioned data; the program, a TU binding an
    old version by .symver, and a dlopen'd library bind to specific versions; dlvsym finds each."""
    if not c.so:
        return False
    r = c.r
    ll = c.pick(LIB)
    c.add(ll, f'__attribute__((symver("{p}sv@VERS_1"))) int {p}i1(void) {{ return 1; }}\n'
              f'__attribute__((symver("{p}sv@VERS_2"))) int {p}i2(void) {{ return 2; }}\n'
              f'__attribute__((symver("{p}sv@@VERS_3"))) int {p}i3(void) {{ return 3; }}\n'
              f'__attribute__((symver("{p}sd@VERS_1"))) int {p}d1 = 10;\n'
              f'__attribute__((symver("{p}sd@@VERS_2"))) int {p}d2 = 20;\n'
              f'int {p}sv(void); extern int {p}sd;\n'
              f'int {p}svcall(void) {{ return {p}sv() * 100 + {p}sd; }}\n'
              f'int *{p}sdaddr(void) {{ return &{p}sd; }}\nint {p}svtag(void) {{ return 0; }}')
    # (each node non-empty: bfd refuses `global:` with no names before `local:`)
    c.ver['VERS_1'] += [f'{p}svcall']
    c.ver['VERS_2'] += [f'{p}sdaddr']
    c.ver['VERS_3'] += [f'{p}svtag']
    c.ver['local'] += [f'{p}i1', f'{p}i2', f'{p}i3', f'{p}d1', f'{p}d2']
    c.decl(f'int {p}sv(void); extern int {p}sd; int {p}svcall(void); int *{p}sdaddr(void);')
    lines = []
    xo = c.pick(['a', 'b'])
    olddata = r.random() < 0.5
    c.add(xo, f'__asm__(".symver {p}sv_o1,{p}sv@VERS_1");\n__asm__(".symver {p}sv_o2,{p}sv@VERS_2");\n'
              f'int {p}sv_o1(void); int {p}sv_o2(void);\n'
              f'int {p}call_old(void) {{ return {p}sv_o1() * 10 + {p}sv_o2(); }}'
              + (f'\n__asm__(".symver {p}sd_o1,{p}sd@VERS_1");\nextern int {p}sd_o1;\nint *{p}sdold(void) {{ return &{p}sd_o1; }}'
                 if olddata else ''))
    c.decl(f'int {p}call_old(void); int *{p}sdold(void);')
    if r.random() < 0.3:
        # an unversioned definition in the program interposes the library's default version
        c.add(c.pick(EXE), f'int {p}sv(void) {{ return 9; }}')
    lines.append(f'{p}sd += 1; printf("{p} sv %d %d %d %d %d\\n", {p}sv(), {p}call_old(), {p}svcall(), {p}sd, {p}sdaddr() == &{p}sd);')
    if olddata:
        lines.append(f'printf("{p} sdold %d %d\\n", *{p}sdold(), {p}sdold() != &{p}sd);')
    c.need_dl = True
    lines.append(f'{{ const char *vs[] = {{ "VERS_1", "VERS_2", "VERS_3" }}; for (int i = 0; i < 3; i++) {{\n'
                 f'  void *f = dlvsym(RTLD_DEFAULT, "{p}sv", vs[i]), *d = dlvsym(RTLD_DEFAULT, "{p}sd", vs[i]);\n'
                 f'  printf("{p} dlv %s %d %d\\n", vs[i], f ? ((int(*)(void))f)() : -1, d ? *(int*)d : -1); }} }}')
    if r.random() < 0.6:
        c.used_dl = True
        c.need_pthread = True
        c.add('d1', f'__asm__(".symver {p}sv_d2,{p}sv@VERS_2");\nint {p}sv_d2(void);\n'
                    f'int {p}dsv(void) {{ return {p}sv() * 100 + {p}sv_d2() * 10 + {p}sd; }}')
        c.check(f'{{ void *h = dlopen("libd1.so", RTLD_NOW); int (*f)(void) = h ? (int(*)(void))dlsym(h, "{p}dsv") : 0;\n'
                f'  printf("{p} dsv %d\\n", f ? f() : -1); if (h) dlclose(h); }}')
    c.check('\n'.join(lines))


TLS_DIALECT2 = {'x86_64': '-mtls-dialect=gnu2', 'aarch64': '-mtls-dialect=trad'}


def f_tlsmix(c, p):
    """TLS accessed from several TUs compiled with different dialects (x86-64 descriptors in the
    program and archives too, aarch64 traditional) and explicit models: each is relaxed on its own."""
    r = c.r
    c.need_pthread = True
    x = c.pick(EXE + AR + LIB + LIB2)
    c.add(x, f'__thread int {p}m1 = {r.randint(1, 99)}; __thread long {p}m2[4] = {{ 5, 6, 7, 8 }};\n'
             f'static __thread int {p}ms = 40;\nint {p}msget(void) {{ return {p}ms++ + {p}m1; }}\n'
             f'int *{p}m1addr(void) {{ return &{p}m1; }}')
    c.decl(f'int {p}msget(void); int *{p}m1addr(void);')
    if r.random() < 0.5:
        c.cflags_extra.setdefault(x, []).append(TLS_DIALECT2[c.arch])
    users = []
    for loc in r.sample(EXE + AR + LIB + LIB2, r.randint(2, 4)):
        if not c.can_ref(loc, x) or loc in users or loc == x:
            continue
        users.append(loc)
        if r.random() < 0.6 and not any(f.startswith('-mtls-dialect') for f in c.cflags_extra.get(loc, [])):
            c.cflags_extra.setdefault(loc, []).append(TLS_DIALECT2[c.arch])
        m = r.choice(['', 'global-dynamic', 'initial-exec', 'local-exec'])
        if m == 'local-exec' and (c.is_lib(loc) or c.dyn_lib(x)):
            m = ''
        if m == 'initial-exec' and c.dyn_lib(loc) and c.used_dl:
            m = ''
        mod = f' __attribute__((tls_model("{m}")))' if m else ''
        c.add(loc, f'extern __thread int {p}m1{mod}; extern __thread long {p}m2[4]{mod};\n'
                   f'long {p}mu_{loc}(void) {{ {p}m2[1] += 2; return {p}m1 * 1000L + {p}m2[1] + {p}m2[3] + ({p}m1addr() == &{p}m1); }}')
        c.decl(f'long {p}mu_{loc}(void);')
    calls = ''.join(f'printf(" %ld", {p}mu_{u}()); ' for u in users)
    c.add('main', f'static void *{p}mthr(void *a) {{ (void)a; printf("{p} mt %d", {p}msget()); {calls}printf("\\n"); return 0; }}')
    c.check(f'printf("{p} mm %d", {p}msget()); {calls}printf("\\n");\n'
            f'{{ pthread_t th; pthread_create(&th, 0, {p}mthr, 0); pthread_join(th, 0); }}')


def f_pull(c, p):
    """Archive members pulled only by -u/--undefined/--require-defined (their constructors show it),
    one reached through another, and --defsym expressions over archive and program symbols."""
    r = c.r
    m1, m2 = r.sample(AR + BR, 2)
    opt = r.choice(['-Wl,-u,{}', '-Wl,--undefined={}', '-Wl,--require-defined={}', '-u{}'])
    c.add(m1, f'int {p}pu2(void);\nint {p}pu1(void) {{ return {p}pu2() + 1; }}\n'
              f'__attribute__((constructor)) static void {p}puc1(void) {{ fputs("{p} pulled1\\n", stdout); }}')
    c.add(m2, f'int {p}pu2(void) {{ return 41; }}\nint {p}pv = 5;\n'
              f'__attribute__((constructor)) static void {p}puc2(void) {{ fputs("{p} pulled2\\n", stdout); }}')
    c.exe_ld.append(opt.format(f'{p}pu1'))
    # libbr follows libar: without a group only another -u reaches an libar member from a libbr one
    if (m1 in BR and m2 in AR and not c.group) or r.random() < 0.3:
        c.exe_ld.append(opt.format(f'{p}pu2'))
    if r.random() < 0.4:
        # weak definition in the program: -u does not pull the member defining it
        c.add('a', f'__attribute__((weak)) int {p}pw(void) {{ return 1; }}')
        m3 = c.pick(AR)
        c.add(m3, f'int {p}pw(void) {{ return 2; }}\n__attribute__((constructor)) static void {p}puc3(void) {{ fputs("{p} pulled3\\n", stdout); }}')
        c.exe_ld.append(opt.format(f'{p}pw'))
        c.decl(f'int {p}pw(void);')
        c.check(f'printf("{p} pw %d\\n", {p}pw());')
    x = c.pick(['a', 'b', 'main'])
    c.add(x, f'int {p}darr[8] = {{ 1, 2, 3, 4, 5, 6, 7, 8 }}; int {p}dfn(int v) {{ return v + 3; }}')
    c.decl(f'extern int {p}darr[8]; extern int {p}de1[]; extern char {p}de4[]; int {p}dfa(int);')
    k = r.randint(1, 6)
    # (braze takes NUMBER or SYMBOL[+-NUMBER] only, and refuses the rest: no sym-sym, no operators)
    c.exe_ld += [f'-Wl,--defsym={p}de1={p}darr+{4 * k}', f'-Wl,--defsym={p}dfa={p}dfn', f'-Wl,--defsym={p}de4={p}de1-4']
    if r.random() < 0.4:
        c.exe_ld.append(f'-Wl,--defsym={p}dpu={p}pu2')   # an archive definition, pulled by -u
        c.add('main', f'int {p}dpu(void);')
        c.check(f'printf("{p} dpu %d\\n", {p}dpu());')
    c.check(f'printf("{p} pull %d %d %ld\\n", {p}dfa(1), {p}de1[0], (long)((int*){p}de4 - {p}darr));')


def f_dlflags(c, p):
    """DT_FLAGS_1 options that change what the program does: -z nodelete (the dlopen'd library's
    destructor at exit), -z initfirst, -z global, new/old dtags with $ORIGIN, --no-undefined."""
    if not c.so:
        return False
    r = c.r
    c.used_dl = True
    c.need_dl = True
    c.need_pthread = True
    c.add('d1', f'__attribute__((constructor)) static void {p}c(void) {{ fputs("{p} d1 ctor\\n", stdout); }}\n'
                f'__attribute__((destructor)) static void {p}d(void) {{ fputs("{p} d1 dtor\\n", stdout); fflush(stdout); }}\n'
                f'int {p}dget(void) {{ return 17; }}')
    k = c.pick(LIB2)
    c.add(k, f'__attribute__((constructor)) static void {p}kc(void) {{ fputs("{p} k1 ctor\\n", stdout); }}\n'
             f'int {p}kget(void) {{ return 3; }}')
    c.decl(f'int {p}kget(void);')
    for o in r.sample(['-Wl,-z,nodelete', '-Wl,-z,global', '-Wl,-z,interpose', '-Wl,-z,nodump', '-Wl,-z,now'], 2):
        c.dl_ld.append(o)
    for o in r.sample(['-Wl,-z,initfirst', '-Wl,-z,nodlopen', '-Wl,-z,origin', '-Wl,-z,now'], 2):
        c.lib2_ld.append(o)
    c.exe_ld.append(r.choice(['-Wl,--enable-new-dtags', '-Wl,--disable-new-dtags']))
    c.exe_ld.append(r.choice(['-Wl,-rpath,$ORIGIN', '-Wl,-rpath=/nonexistent:$ORIGIN', '-Wl,-z,origin']))
    c.check(f'{{ void *h = dlopen("libd1.so", RTLD_NOW | RTLD_LOCAL); int (*f)(void) = h ? (int(*)(void))dlsym(h, "{p}dget") : 0;\n'
            f'  printf("{p} dl %d %d\\n", f ? f() : -1, {p}kget()); fflush(stdout); if (h) dlclose(h); printf("{p} closed\\n"); }}')


def f_protdata(c, p):
    """Protected data and functions of a library used from the program (copy relocations, address
    equality), and a hidden-versus-default pair of one name in two libraries."""
    if not c.so:
        return False
    r = c.r
    ll = c.pick(LIB + LIB2)
    c.add(ll, f'__attribute__((visibility("protected"))) int {p}pv[4] = {{ 1, 2, 3, 4 }};\n'
              f'__attribute__((visibility("protected"))) int {p}pf(int v) {{ return v * 7; }}\n'
              f'int {p}pvget(int i) {{ return {p}pv[i]; }}\nint *{p}pvaddr(void) {{ return {p}pv; }}\n'
              f'void *{p}pfaddr(void) {{ return (void*){p}pf; }}')
    c.decl(f'extern int {p}pv[4]; int {p}pf(int); int {p}pvget(int); int *{p}pvaddr(void); void *{p}pfaddr(void);')
    # the user is PIC: bfd refuses a copy of protected data and a non-PIC program's canonical address
    # of a protected function (glibc 2.36+ semantics)
    u = c.pick(EXE + AR, refs_to=[ll])
    c.cflags_extra.setdefault(u, []).append('-fPIC')
    c.add(u, f'int (*{p}pfp)(int) = {p}pf;\nint {p}puse(void) {{ return {p}pv[2] + {p}pfp(2); }}\n'
             f'int {p}peq(void) {{ return ({p}pfaddr() == (void*){p}pf) * 10 + ({p}pvaddr() == {p}pv); }}')
    c.decl(f'int {p}puse(void); int {p}peq(void);')
    c.check(f'printf("{p} prot %d %d %d %d\\n", {p}puse(), {p}pvget(2), {p}pf(3), {p}peq());')


def f_nocopy(c, p):
    """-z nocopyreloc: a PIE's references to library data go through the GOT or dynamic relocations."""
    if c.mode != 'pie':
        return False
    r = c.r
    ll = c.pick(LIB + LIB2)
    c.add(ll, f'int {p}nd[3] = {{ 4, 5, 6 }}; const char {p}ns[] = "nocopy{p}";\nint *{p}ndaddr(void) {{ return {p}nd; }}')
    c.decl(f'extern int {p}nd[3]; extern const char {p}ns[]; int *{p}ndaddr(void);')
    u = c.pick(EXE)
    c.add(u, f'int *{p}ndp = &{p}nd[1];\nint {p}nuse(void) {{ return {p}nd[0] + *{p}ndp; }}')
    c.decl(f'int {p}nuse(void); extern int *{p}ndp;')
    if '-Wl,-z,nocopyreloc' not in c.exe_ld:
        c.exe_ld.append('-Wl,-z,nocopyreloc')
        # every program TU PIC: braze refuses the 32-bit text relocations bfd would write instead of
        # copies (-fPIE's direct accesses to library data), so the GOT accesses are what is tested
        for loc in EXE + AR + BR:
            c.cflags_extra.setdefault(loc, []).append('-fPIC')
    c.check(f'printf("{p} nc %d %s %d %d\\n", {p}nuse(), {p}ns, {p}ndaddr() == {p}nd, {p}ndp == &{p}nd[1]);')


def f_retain(c, p):
    """--gc-sections roots: retain/used in archive members and libraries, KEEP-less .init_array in a
    member pulled by one symbol, and __start_/__stop_ over retained sections only."""
    r = c.r
    m = c.pick(AR)
    c.add(m, f'int {p}rpull = 1;\n__attribute__((retain, used, section("{p}rs"))) static const int {p}rk[2] = {{ 7, 8 }};\n'
             f'__attribute__((section("{p}rs"))) const int {p}rk2[1] = {{ 9 }};\n'
             f'__attribute__((constructor(300))) static void {p}rc(void) {{ fputs("{p} rctor\\n", stdout); }}\n'
             f'__attribute__((used)) static int {p}ru(void) {{ return 0; }}')
    c.decl(f'extern int {p}rpull;')
    c.add('main', f'extern const int __start_{p}rs[] __attribute__((weak)), __stop_{p}rs[] __attribute__((weak));')
    c.check(f'printf("{p} ret %d %d\\n", {p}rpull, (int)(__stop_{p}rs - __start_{p}rs));')


def x_dlexc(c, p):
    """C++ through a dlopen'd library: an exception thrown there caught here, typeinfo and inline
    static data (STB_GNU_UNIQUE) shared with the program and the libraries."""
    if not c.so:
        return False
    c.used_dl = True
    c.need_dl = True
    c.need_pthread = True
    c.decl(f'''struct {p}X {{ int v; {p}X(int x) : v(x) {{}} virtual ~{p}X() {{}} }};
template<class T> struct {p}C {{ static int n; static int bump() {{ return ++n; }} }};
template<class T> int {p}C<T>::n = 100;
inline int &{p}ctr() {{ static int k = 0; return k; }}''', cxx=True)
    ll = c.pick(LIB)
    c.add(ll, f'int {p}lbump() {{ ++{p}ctr(); return {p}C<int>::bump(); }}\nconst std::type_info &{p}lti() {{ return typeid({p}X); }}', cxx=True)
    c.decl(f'int {p}lbump(); const std::type_info &{p}lti();', cxx=True)
    c.add('d1', f'extern "C" void {p}dthrow(int k) {{ ++{p}ctr(); {p}C<int>::bump(); if (k) throw {p}X(k); }}\n'
                f'extern "C" const std::type_info *{p}dti() {{ return &typeid({p}X); }}', cxx=True)
    c.check(f'''{{ void *h = dlopen("libd1.so", RTLD_NOW | RTLD_LOCAL); if (!h) printf("{p} nodl\\n"); else {{
  auto th = (void(*)(int))dlsym(h, "{p}dthrow"); auto ti = (const std::type_info *(*)())dlsym(h, "{p}dti");
  try {{ th(0); th(5); }} catch (const {p}X &e) {{ printf("{p} caught %d\\n", e.v); }}
  printf("{p} x %d %d %d %d %d\\n", {p}lbump(), {p}C<int>::bump(), {p}ctr(), *ti() == typeid({p}X), {p}lti() == typeid({p}X)); dlclose(h); }} }}''')


FEATS_C2 = [f_symver2, f_tlsmix, f_pull, f_dlflags, f_protdata, f_nocopy, f_retain]
FEATS_X2 = [x_dlexc]
# link options of set 2, drawn per case: (option, where) where 'all' = every link, 'exe' = the program
LINKOPTS2 = [('-Wl,--build-id', 'all'), ('-Wl,--build-id=md5', 'all'), ('-Wl,--build-id=0x1234abcd', 'all'),
             ('-Wl,-z,max-page-size=0x10000', 'all'), ('-Wl,-z,common-page-size=0x2000', 'all'),
             ('-Wl,-z,separate-code', 'all'), ('-Wl,-z,noseparate-code', 'all'), ('-Wl,-z,lazy', 'all'),
             ('-Wl,--no-relax', 'all'), ('-Wl,-z,nodynamic-undefined-weak', 'exe'), ('-Wl,-z,dynamic-undefined-weak', 'exe'),
             ('-Wl,--sort-common', 'all'), ('-Wl,-X', 'all'), ('-Wl,--discard-all', 'all'), ('-Wl,--emit-relocs', 'all'),
             ('-Wl,-z,start-stop-gc', 'all'), ('-Wl,--gc-keep-exported', 'all'), ('-Wl,-O1', 'all'),
             ('-Wl,-z,keep-text-section-prefix', 'all'), ('-Wl,-s', 'all'), ('-Wl,--no-undefined-version', 'all'),
             ('-Wl,-z,execstack', 'exe'), ('-Wl,-z,relro,-z,now', 'all'), ('-Wl,--hash-style=gnu', 'all'),
             ('-static-libgcc', 'exe'), ('-static-libstdc++', 'exe')]


# ---------------------------------------------------------------- feature set 3 (--feats-set 3)
# Drawn only when generate(feats_set=3): set 1's and set 2's seeds keep their programs.

def f_rpart3(c, p):
    """Translation units pre-linked with -r (the program's and the library's) and then linked:
    priority constructors and .init_array.NNNNN entries, a custom section holding addresses whose
    __start_/__stop_ span the -r output and other inputs, same-named static functions, and
    -ffunction-sections/-fdata-sections inputs inside the -r output."""
    if c.lto:
        return False
    r = c.r
    c.rpart3 = True
    locs = ['main', 'a', 'b'] + (LIB if c.so else [])
    for loc in locs:
        if r.random() < 0.5:
            c.cflags_extra[loc] = c.cflags_extra.get(loc, []) + ['-ffunction-sections', '-fdata-sections']
    sec = f'{p}rsec' if r.random() < 0.7 else f'{p}rsec_{"x" * 3}'
    for i, loc in enumerate(locs):
        pr, pr2 = r.choice([101, 150, 500, 65000]), r.choice([102, 150, 499, 65001])
        v = r.randint(1, 99)
        c.add(loc, f'__attribute__((constructor({pr}))) static void {p}rc(void) {{ fputs("{p} rctor {pr} {loc}\\n", stdout); }}\n'
                   f'static void {p}ri(void) {{ fputs("{p} rinit {pr2} {loc}\\n", stdout); }}\n'
                   f'__attribute__((section(".init_array.{pr2:05d}"), used)) static void (*{p}rip)(void) = {p}ri;\n'
                   f'static int {p}rst(int v) {{ return v + {v}; }}\n'
                   f'int {p}rf_{loc}(int v) {{ return {p}rst(v) * 2; }}\n'
                   f'__attribute__((section("{sec}"), used)) static const long {p}re[2] = {{ {v}, (long)&{p}rf_{loc} }};')
        c.decl(f'int {p}rf_{loc}(int);')
    c.add('main', f'extern const long __start_{sec}[], __stop_{sec}[];')
    c.check(f'printf("{p} rsec n=%d", (int)(__stop_{sec} - __start_{sec}) / 2);\n'
            f'for (const long *q = __start_{sec}; q < __stop_{sec}; q += 2) printf(" %ld:%d", q[0], ((int(*)(int))q[1])(3));\n'
            f'printf(" eq %d %d\\n", {p}rf_a(1), (long)&{p}rf_b == __start_{sec}[3] || (long)&{p}rf_b == __start_{sec}[5]);')
    if c.so:
        c.add('l1', f'extern const long __start_{sec}[], __stop_{sec}[];\n'
                    f'long {p}rscan(void) {{ long s = 0; for (const long *q = __start_{sec}; q < __stop_{sec}; q += 2) s = s * 100 + q[0] + ((int(*)(int))q[1])(1); return s; }}')
        c.decl(f'long {p}rscan(void);')
        c.check(f'printf("{p} rscan %ld %d\\n", {p}rscan(), {p}rf_l2(4));')


def f_ifunc3(c, p):
    """An IFUNC whose resolver reads relocated data (a pointer, a const table of function pointers:
    RELATIVE relocations that must be applied before IRELATIVE), its address stored in data and
    called through pointers from other modules, a constructor calling it; -z now often."""
    r = c.r
    a64 = c.arch == 'aarch64'
    # (aarch64 bfd 2.40 asserts (elfnn-aarch64.c:9555) on a library's IFUNC taken by GOT and ABS64
    # under -Bsymbolic(-functions) or a dynamic list: defined in the program there)
    x = c.pick(EXE + AR + ([] if a64 else LIB + LIB2))
    sel = r.randint(0, 1)
    c.decl(f'typedef int (*{p}fit)(int); int {p}fi(int); extern {p}fit {p}fitab[3]; int {p}ficall(int);')
    c.add(x, f'static int {p}i0(int v) {{ return v + 100; }}\nstatic int {p}i1(int v) {{ return v * 3; }}\n'
             f'static int {p}cfgv = {sel};\nstatic int *volatile {p}cfg = &{p}cfgv;\n'
             f'static {p}fit const {p}impl[2] = {{ {p}i0, {p}i1 }};\n'
             f'static void *{p}res(void) {{ return (void *){p}impl[*{p}cfg]; }}\n'
             f'int {p}fi(int) __attribute__((ifunc("{p}res")));\n'
             f'{p}fit {p}fitab[3] = {{ {p}fi, 0, {p}fi }};\n'
             f'int {p}ficall(int v) {{ {p}fit f = {p}fitab[2]; return f(v) + {p}fi(v + 1) + (f == {p}fi); }}\n'
             f'__attribute__((constructor)) static void {p}fic(void) {{ printf("{p} fctor %d\\n", {p}fi(7)); }}')
    cand = EXE + AR + LIB + LIB2
    if x in EXE + AR and c.so:
        cand = EXE + AR   # glibc refuses a library's reference to an exe IFUNC
    lines = [f'printf("{p} fi %d %d %d %d\\n", {p}fi(1), {p}fitab[0](2), {p}ficall(3), {p}fitab[0] == {p}fi);']
    users = sorted({c.pick(cand, refs_to=[x]) for _ in range(2)} - {x})
    for u in users:
        c.add(u, f'{p}fit {p}fiu_{u} = {p}fi;\nstatic {p}fit {p}fis_{u}[2] = {{ 0, {p}fi }};\n'
                 f'int {p}fiw_{u}(int v) {{ return {p}fis_{u}[1](v) * 10 + ({p}fis_{u}[1] == {p}fiu_{u}) + ({p}fitab[2] == {p}fi); }}')
        c.decl(f'extern {p}fit {p}fiu_{u}; int {p}fiw_{u}(int);')
        lines.append(f'printf("{p} fu %d %d %d\\n", {p}fiu_{u}(4), {p}fiw_{u}(5), {p}fiu_{u} == {p}fitab[0]);')
    if a64:
        # bfd refuses tiny-model ADR (R_AARCH64_ADR_PREL_LO21) to an IFUNC
        for loc in sorted({x, 'main', *users}):
            ex = c.cflags_extra.setdefault(loc, [])
            ex[:] = [f for f in ex if f != '-mcmodel=tiny']
            if not any('mcmodel' in f for f in ex):
                ex.append('-mcmodel=small')
    if r.random() < 0.5:
        c.exe_ld.append('-Wl,-z,now')
    if r.random() < 0.4:
        c.lib_ld.append('-Wl,-z,now')
    c.check('\n'.join(lines))


def f_deps3(c, p):
    """Indirect library dependencies: libs1 links libs2 (DT_NEEDED), the program reaches libs2 only
    through it: --copy-dt-needed-entries with -rpath-link, or with libs1's $ORIGIN runpath/rpath, or
    --as-needed dropping libs2 when only libs1 uses it."""
    if not c.so:
        return False
    r = c.r
    c.deps3 = r.choice(['copy', 'origin', 'asneeded'])
    if c.lto:
        c.deps3 = 'asneeded'    # braze refuses --copy-dt-needed-entries with LTO inputs
    ll = c.pick(LIB)
    v = r.randint(1, 50)
    c.add('k1', f'int {p}kd[2] = {{ {v}, 2 }};\nint {p}kf(int x) {{ return x + {p}kd[0]; }}\n'
                f'__attribute__((constructor)) static void {p}kc(void) {{ fputs("{p} kctor\\n", stdout); }}')
    c.add(ll, f'int {p}lk(int x) {{ return {p}kf(x) * 2 + {p}kd[1]; }}\n'
              f'__attribute__((constructor)) static void {p}lc(void) {{ fputs("{p} lctor\\n", stdout); }}')
    c.decl(f'int {p}lk(int); int {p}kf(int); extern int {p}kd[2];')
    if c.deps3 == 'asneeded':
        c.check(f'printf("{p} dep %d\\n", {p}lk(1));')
    else:
        c.check(f'{p}kd[1] = 5; printf("{p} dep %d %d %d\\n", {p}lk(1), {p}kf(2), {p}kd[0]);')


def f_vscript3(c, p):
    """A library version script with wildcards (`pub_*`, `pub?`), a local wildcard, and for C++
    extern "C++" patterns matched against demangled names: which names are exported, and in which
    version, is what the program sees."""
    if not c.so:
        return False
    ll = c.pick(LIB)
    c.add(ll, f'int {p}hid_x(void) {{ return 100; }} int {p}hid_d = 8;\n'
              f'int {p}pub_a(void) {{ return 11; }}\nint {p}pub_b(void) {{ return {p}hid_x() + 12; }}\nint {p}pubd = 7;\n'
              f'int {p}vcall(void) {{ return {p}pub_a() + {p}hid_d; }}')
    c.decl(f'int {p}pub_a(void); int {p}pub_b(void); extern int {p}pubd; int {p}vcall(void);')
    c.ver['VERS_1'] += [f'{p}pub_*']
    c.ver['VERS_2'] += [f'{p}pub?', f'{p}vcall']
    c.ver['local'] += [f'{p}hid_*']
    c.need_dl = True
    c.check(f'printf("{p} vs %d %d %d %d\\n", {p}pub_a(), {p}pub_b(), {p}pubd, {p}vcall());\n'
            f'printf("{p} vsd %d %d %d %d %d\\n", dlsym(RTLD_DEFAULT, "{p}hid_x") != 0, dlsym(RTLD_DEFAULT, "{p}hid_d") != 0,\n'
            f'  dlvsym(RTLD_DEFAULT, "{p}pub_b", "VERS_1") != 0, dlvsym(RTLD_DEFAULT, "{p}pubd", "VERS_2") != 0, dlvsym(RTLD_DEFAULT, "{p}pubd", "VERS_1") != 0);')
    if c.lang == 'cxx':
        ns = f'{p}NS'
        c.add(ll, f'namespace {ns} {{ int hidf(int x) {{ return x * 5; }} int pubf(int x) {{ return x + 1; }} int pubf(long x) {{ return (int)x + 2; }}\n'
                  f'int usehid(int x) {{ return hidf(x) + 1; }} }}', cxx=True)
        c.decl(f'namespace {ns} {{ int pubf(int); int pubf(long); int usehid(int); }}', cxx=True)
        c.ver['VERS_2'] += [f'extern "C++" {{ "{ns}::pubf(int)"; {ns}::use*; }}']
        c.ver['VERS_1'] += [f'extern "C++" {{ {ns}::pubf*; }}']
        c.ver['local'] += [f'extern "C++" {{ {ns}::hid*; }}']
        m = f'{len(ns)}{ns}'
        c.check(f'printf("{p} vsx %d %d %d %d %d %d\\n", {ns}::pubf(1), {ns}::pubf(1L), {ns}::usehid(2), dlsym(RTLD_DEFAULT, "_ZN{m}4hidfEi") != 0,\n'
                f'  dlvsym(RTLD_DEFAULT, "_ZN{m}4pubfEi", "VERS_2") != 0, dlvsym(RTLD_DEFAULT, "_ZN{m}4pubfEl", "VERS_1") != 0);')


def f_export3(c, p):
    """The program's exports by glob: --export-dynamic-symbol=GLOB, --export-dynamic-symbol-list, a
    --dynamic-list with globs; a library defining and calling the same names (interposed by the
    program's exported definitions, or not)."""
    if not c.so:
        return False
    r = c.r
    how = r.choice(['sym', 'list', 'dyn'])
    c.add('a', f'int {p}exa1(void) {{ return 1; }}\nint {p}exa2(void) {{ return 2; }}\nint {p}exb(void) {{ return 3; }}\n'
               f'int {p}exd1 = 4; int {p}exd2 = 5;')
    c.decl(f'int {p}exa1(void); int {p}exb(void); extern int {p}exd1;')
    pats = [f'{p}exa*', f'{p}exd?'] if r.random() < 0.5 else [f'{p}ex[ab]1', f'{p}exd[!1]']
    if how == 'sym':
        c.exe_ld += [f'-Wl,--export-dynamic-symbol={q}' for q in pats]
    elif how == 'list':
        c.extra3[f'exp{p}.lst'] = '{ ' + ' '.join(q + ';' for q in pats) + ' };\n'
        c.exe_ld.append(f'-Wl,--export-dynamic-symbol-list=exp{p}.lst')
    else:
        c.exe_dynlist = getattr(c, 'exe_dynlist', []) + pats
    ll = c.pick(LIB)
    c.add(ll, f'int {p}exa1(void) {{ return 100; }}\nint {p}exd1 = 40;\nint {p}lexa(void) {{ return {p}exa1() * 1000 + {p}exd1; }}')
    c.decl(f'int {p}lexa(void);')
    c.need_dl = True
    c.check(f'{{ const char *n[] = {{ "{p}exa1", "{p}exa2", "{p}exb", "{p}exd1", "{p}exd2" }}; printf("{p} ex"); '
            f'for (int i = 0; i < 5; i++) printf(" %d", dlsym(RTLD_DEFAULT, n[i]) != 0);\n'
            f'  printf(" %d %d %d\\n", {p}lexa(), {p}exa1(), {p}exd1); }}')


def f_weakhid3(c, p):
    """Weak hidden undefined references (data, array with an addend, function) taken into data and
    code: 0 (plus the addend) in every output kind, no dynamic relocation; or the same module's
    hidden definition when one exists."""
    r = c.r
    x = c.pick(EXE + AR + LIB + LIB2)
    defd = r.random() < 0.5
    if x in EXE:
        dl = r.choice([e for e in EXE if e != x])
    elif x in AR:
        dl = r.choice(EXE)
    elif x in LIB:
        dl = r.choice([l for l in LIB if l != x])
    else:
        defd = False
    H = ' __attribute__((weak, visibility("hidden")))'
    c.add(x, f'extern int {p}wh{H}; extern int {p}wha[4]{H}; int {p}whf(void){H};\n'
             f'static int *{p}whp = &{p}wh; static int *{p}whq = &{p}wha[2]; static int (*{p}whfp)(void) = {p}whf;\n'
             f'long {p}whprobe(void) {{ return (long)({p}whp != 0) + ((char*){p}whq - (char*)&{p}wha == 8) * 10 + ({p}whfp != 0) * 100\n'
             f'  + (&{p}wh != 0) * 1000 + ({p}whf != 0) * 10000 + (long)((unsigned long){p}whq & 0xfff) * 100000\n'
             f'  + ({p}whf ? {p}whf() : 0) * 1000000000L + ({p}whp ? *{p}whp : 0) * 10000000000000L; }}')
    c.decl(f'long {p}whprobe(void);')
    if defd:
        c.add(dl, f'__attribute__((visibility("hidden"))) int {p}wh = 6;\n__attribute__((visibility("hidden"))) int {p}wha[4];\n'
                  f'__attribute__((visibility("hidden"))) int {p}whf(void) {{ return 9; }}')
        c.check(f'printf("{p} whd %d\\n", {p}whprobe() % 100000 == 11111);')
        if x in AR:   # a weak reference does not pull the member: something else must
            c.add(x, f'int {p}whpull = 1;')
            c.decl(f'extern int {p}whpull;')
            c.check(f'{{ volatile int v_ = {p}whpull; (void)v_; }}')
    else:
        if x in AR:
            c.add(x, f'int {p}whpull = 1;')
            c.decl(f'extern int {p}whpull;')
            c.check(f'{{ volatile int v_ = {p}whpull; (void)v_; }}')
        c.check(f'printf("{p} whu %ld\\n", {p}whprobe());')


def f_gcsec3(c, p):
    """--gc-sections over -ffunction-sections/-fdata-sections inputs: a custom section kept whole by
    its __start_/__stop_ reference, unreferenced sections dropped, .init_array.NNNNN and
    .preinit_array-free priority constructors kept, a pulled archive member's sections."""
    r = c.r
    c.gc = True
    c.fsec = True
    locs = r.sample(EXE + AR, r.randint(2, 3))
    for i, l in enumerate(locs):
        v, pr = r.randint(1, 99), r.choice([101, 120, 300, 65000])
        c.add(l, f'__attribute__((section("{p}gs"), used)) static const int {p}g[2] = {{ {v}, {i} }};\n'
                 f'int {p}gdata{i}[4] = {{ {v}, 2, 3, 4 }}; int {p}gun{i}(void) {{ return {p}gdata{i}[1]; }}\n'
                 f'__attribute__((noinline)) int {p}gk{i}(int x) {{ return x + {v}; }}\n'
                 f'static void {p}gi(void) {{ printf("{p} ginit {pr} %d\\n", {p}gk{i}(0)); }}\n'
                 f'__attribute__((section(".init_array.{pr:05d}"), used)) static void (*{p}gip)(void) = {p}gi;\n'
                 f'__attribute__((constructor({pr + 1}))) static void {p}gc(void) {{ fputs("{p} gctor {l}\\n", stdout); }}'
                 + (f'\nint {p}gpull{i} = 1;' if l in AR else ''))
        if l in AR:
            c.decl(f'extern int {p}gpull{i};')
            c.check(f'{{ volatile int v_ = {p}gpull{i}; (void)v_; }}')
    c.add('main', f'extern const int __start_{p}gs[], __stop_{p}gs[];')
    c.check(f'{{ int n = (int)(__stop_{p}gs - __start_{p}gs), s = 0; for (int i = 0; i < n; i += 2) s += __start_{p}gs[i] * 7 + __start_{p}gs[i + 1];\n'
            f'  printf("{p} gs %d %d\\n", n, s); }}')


def x_vague3(c, p):
    """C++ vague linkage across modules: a class with only inline virtuals (vtable and typeinfo
    COMDAT in every user), inline function and inline variable addresses, a variable template;
    compared between the program and another module, and an exception of that class thrown there."""
    r = c.r
    c.decl(f'''struct {p}V {{ virtual int f() {{ return 1; }} virtual ~{p}V() {{}} }};
struct {p}W : {p}V {{ int f() override {{ return 2; }} }};
inline int {p}inl(int x) {{ return x + 7; }}
inline int {p}ivar = 9;
template<class T> T {p}tv = T(3);''', cxx=True)
    locs = sorted({c.pick(EXE + AR + LIB + LIB2) for _ in range(2)})
    lines = []
    for l in locs:
        c.add(l, f'''{p}V *{p}mk_{l}(int k) {{ if (k) return new {p}W; return new {p}V; }}
int {p}isw_{l}({p}V *v) {{ return dynamic_cast<{p}W *>(v) != 0; }}
void *{p}inla_{l}() {{ return (void *)&{p}inl; }}
int *{p}iva_{l}() {{ {p}ivar++; return &{p}ivar; }}
int *{p}tva_{l}() {{ return &{p}tv<int>; }}
const std::type_info &{p}ti_{l}() {{ return typeid({p}W); }}
void {p}thr_{l}(int k) {{ if (k) throw {p}W(); }}''', cxx=True)
        c.decl(f'{p}V *{p}mk_{l}(int); int {p}isw_{l}({p}V *); void *{p}inla_{l}(); int *{p}iva_{l}(); int *{p}tva_{l}();'
               f'const std::type_info &{p}ti_{l}(); void {p}thr_{l}(int);', cxx=True)
        lines.append(f'{{ {p}V *v = {p}mk_{l}(1), *w = {p}mk_{l}(0); {p}W here;\n'
                     f'  printf("{p} vg_{l} %d %d %d %d %d ", v->f(), w->f(), dynamic_cast<{p}W *>(v) != 0, {p}isw_{l}(&here), {p}isw_{l}(w));\n'
                     f'  printf("%d %d %d %d %d", {p}inla_{l}() == (void *)&{p}inl, {p}iva_{l}() == &{p}ivar, {p}ivar, {p}tva_{l}() == &{p}tv<int>, {p}ti_{l}() == typeid({p}W));\n'
                     f'  try {{ {p}thr_{l}(1); }} catch (const {p}V &e) {{ printf(" c%d", const_cast<{p}V &>(e).f()); }}\n'
                     f'  printf("\\n"); delete v; delete w; }}')
    c.check('\n'.join(lines))


FEATS_C3 = [f_rpart3, f_ifunc3, f_deps3, f_vscript3, f_export3, f_weakhid3, f_gcsec3]
FEATS_X3 = [x_vague3]
# link options of set 3, drawn per case: (option, where) where 'all' = every link, 'exe' = the
# program, 'lib' = the two libraries.  (Not -z nocombreloc: braze refuses it with the default script.)
LINKOPTS3 = [('-Wl,--sort-section=name', 'all'), ('-Wl,--sort-section=alignment', 'all'), ('-Wl,-Map=link.map', 'exe'),
             ('-Wl,-z,norelro', 'all'), ('-Wl,--hash-style=sysv', 'all'), ('-Wl,-z,pack-relative-relocs', 'all'),
             ('-Wl,--exclude-libs=ALL', 'exe'), ('-Wl,--exclude-libs=libar.a', 'all'), ('-Wl,--default-symver', 'lib'),
             ('-Wl,--dynamic-list-data', 'exe'), ('-Wl,--dynamic-list-cpp-typeinfo', 'lib'),
             ('-Wl,-z,now', 'all'), ('-Wl,--gc-sections', 'all'), ('-Wl,-Bsymbolic-functions', 'lib'), ('-Wl,-z,nodelete', 'lib'),
             ('-Wl,--hash-size=31', 'all'), ('-Wl,-z,stack-size=0x200000', 'exe'), ('-Wl,--warn-common', 'all'),
             ('-Wl,-z,noexecstack', 'all'), ('-Wl,--export-dynamic', 'exe'), ('-Wl,-z,unique', 'lib'),
             ('-Wl,--enable-new-dtags,-rpath,$ORIGIN/x', 'exe'), ('-Wl,--disable-new-dtags,-rpath,/nonexistent', 'exe')]


FEATS_ARCH = {'x86_64': [], 'aarch64': [f_far, f_erratum, f_tlsie, f_ifunc_data]}
FEATS_C = [f_model, f_initfini, f_asneeded, f_ptrtab, f_fnptr, f_weak, f_vis, f_common, f_tls, f_ctor, f_ifunc, f_interpose, f_copyrel,
           f_strmerge, f_version, f_wrap, f_defsym, f_archive, f_startstop, f_bss, f_alias, f_export, f_dlopen]
FEATS_X = [x_exc, x_tmpl, x_guard, x_tlocal, x_virt, x_initorder]


def generate(seed, outdir, arch='x86_64', lang=None, mode=None, feats=None, feats_set=1):
    """Write the program for `seed` into outdir; return its spec (also written as spec.json).
    feats_set 2 adds FEATS_C2/FEATS_X2 (weighted up) and LINKOPTS2 to set 1's draws; feats_set 3
    adds FEATS_C3/FEATS_X3 and LINKOPTS3 to those of sets 1 and 2 (their seeds stay as they were)."""
    feats_set = int(feats_set)
    c = Ctx(seed, arch, lang, mode, feats_set)
    r = c.r
    pool = FEATS_ARCH[arch] + FEATS_C + (FEATS_X * 2 if c.lang == 'cxx' else [])
    if feats_set >= 2:
        pool += FEATS_C2 * 3 + (FEATS_X2 * 6 if c.lang == 'cxx' else [])
    if feats_set >= 3:
        pool += FEATS_C3 * 4 + (FEATS_X3 * 8 if c.lang == 'cxx' else [])
    if feats:
        chosen = [globals()[f] for f in feats]
    else:
        chosen = [r.choice(pool) for _ in range(r.randint(3, 8))]
        if f_dlopen in chosen:  # dlopen first so tls picks avoid IE
            chosen.remove(f_dlopen); chosen.insert(0, f_dlopen)
    for i, f in enumerate(chosen):
        res = f(c, f'f{i}_')
        if res is not False:
            c.feats.append(f.__name__)
    if c.fset >= 3 and c.lto and {'f_version', 'f_protdata', 'f_symver2'} & set(c.feats):
        c.lto = False   # bfd fails these with LTO (.symver of an LTO-internalized name; a protected symbol's copy)
    os.makedirs(outdir, exist_ok=True)
    ext = '.cc' if c.lang == 'cxx' else '.c'
    hdr = ['#pragma once', '#include <stdio.h>', '#include <stdlib.h>', '#include <string.h>', '#include <wchar.h>',
           '#include <pthread.h>', '#include <dlfcn.h>']
    if c.lang == 'cxx':
        hdr += ['#include <stdexcept>', '#include <typeinfo>', '#include <thread>', 'extern "C" {']
    hdr += c.decls
    if c.lang == 'cxx':
        hdr += ['}'] + c.cxxdecls
    with open(os.path.join(outdir, 'common.h'), 'w') as f:
        f.write('\n'.join(hdr) + '\n')
    present = []
    for loc, chunks in c.files.items():
        if loc in DL and not c.used_dl:
            continue
        if not chunks and loc != 'main':
            continue
        if loc in DL and not c.so:
            continue
        present.append(loc)
        out = ['#define _GNU_SOURCE 1', '#include "common.h"'] if c.lang == 'c' else ['#include "common.h"']
        for cxx, code in chunks:
            if c.lang == 'cxx' and not cxx:
                out.append('extern "C" {\n' + code + '\n}')
            else:
                out.append(code)
        if loc == 'main':
            out.append('int main(void) {')
            for ch in c.checks:
                out.append('  { ' + ch.replace('\n', '\n    ') + ' }')
            out.append('  fflush(stdout);\n  return 3;\n}')
        with open(os.path.join(outdir, loc + ext), 'w') as f:
            f.write('\n'.join(out) + '\n')
    # build spec
    cc = 'g++' if c.lang == 'cxx' else 'gcc'
    base = [c.opt, '-g0', '-w', '-D_GNU_SOURCE']
    if c.lang == 'cxx': base.append('-std=gnu++17')
    if c.fsec: base += ['-ffunction-sections', '-fdata-sections']
    if c.fcommon: base.append('-fcommon')
    if r.random() < 0.15: base.append('-fno-plt')
    if r.random() < 0.15: base.append('-fmerge-all-constants')
    a64 = c.arch == 'aarch64'
    # (the draws below are in the order the first per-arch versions made them, so their seeds still reproduce)
    if a64 and r.random() < 0.15: base.append('-mbranch-protection=standard')
    pie = r.choice([['-fPIE'], ['-fpie']]) if a64 else ['-fPIE']
    exe_pic = {'pie': pie, 'nopie': ['-fno-pic'], 'static': r.choice([['-fno-pic'], ['-fPIE']]),
               'staticpie': ['-fPIE']}[c.mode]
    if a64:   # TLS descriptors are aarch64's default: vary the other way
        lib_pic = ['-fpic'] if r.random() < 0.3 else ['-fPIC']
        trad, gnu2 = r.random() < 0.3, False
        tlssize = r.choice([None] * 6 + ['12', '24', '32', '48'])
    else:
        lib_pic, trad, tlssize = ['-fPIC'], False, None
        gnu2 = r.random() < 0.3
    compile_ = []
    for loc in present:
        islib = c.is_lib(loc) or loc in DL
        pic = lib_pic if islib else exe_pic
        fl = base + pic
        if trad: fl.append('-mtls-dialect=trad')
        if gnu2 and islib: fl.append('-mtls-dialect=gnu2')
        if tlssize and not islib: fl.append('-mtls-size=' + tlssize)
        ex = list(c.cflags_extra.get(loc, []))
        if c.cm_mixed and not any('mcmodel' in f for f in ex):
            ex.append('-mcmodel=' + r.choice(['tiny', 'small', 'large', 'large']))
        if a64 and (pic != ['-fno-pic'] or '-fPIC' in ex):   # gcc refuses -mcmodel=large with PIC on aarch64
            ex = ['-mcmodel=small' if f == '-mcmodel=large' else f for f in ex]
        if c.far:   # braze moves data behind a far --section-start; tiny ADRs no longer reach
            ex = ['-mcmodel=small' if f == '-mcmodel=tiny' else f for f in ex]
        fl += ex
        if c.lto:
            fl.append('-flto')
        compile_.append([loc + ext, loc + '.o', fl])
    archives = []
    ar_m = [m for m in c.ar_order if m in present]
    br_m = [m for m in BR if m in present]
    if ar_m: archives.append(['libar.a', [m + '.o' for m in ar_m]])
    if br_m: archives.append(['libbr.a', [m + '.o' for m in br_m]])
    lib_m = [m for m in LIB if m in present]
    lib2_m = [m for m in LIB2 if m in present]
    shlibs = []
    common_ld = []
    if c.gc: common_ld.append('-Wl,--gc-sections')
    if r.random() < 0.25: common_ld.append('-Wl,-z,now')
    if r.random() < 0.1: common_ld.append('-Wl,-z,norelro')
    if r.random() < 0.15: common_ld.append(r.choice(['-Wl,--hash-style=sysv', '-Wl,--hash-style=both']))
    # the non-default layout of each arch
    if r.random() < 0.1: common_ld.append('-Wl,-z,separate-code' if a64 else '-Wl,-z,noseparate-code')
    if r.random() < 0.1 and c.mode != 'static': common_ld.append('-Wl,-z,pack-relative-relocs')
    if c.fset >= 2:
        for o, where in r.sample(LINKOPTS2, r.randint(0, 2)):
            (common_ld if where == 'all' else c.exe_ld).append(o)
    if c.fset >= 3:
        if c.gc and {'f_gcsec3', 'f_rpart3', 'f_startstop'} & set(c.feats) and '-Wl,-z,start-stop-gc' in common_ld:
            common_ld.remove('-Wl,-z,start-stop-gc')   # bfd: undefined __start_X (every X collected)
        if '-Wl,-s' in common_ld and '-Wl,--emit-relocs' in common_ld:
            common_ld.remove('-Wl,-s')   # (braze refuses the pair)
        for o, where in r.sample(LINKOPTS3, r.randint(0, 3)):
            if o == '-Wl,-z,pack-relative-relocs' and c.mode == 'static':
                continue
            if o in ('-Wl,--export-dynamic', '-Wl,--dynamic-list-data') and c.mode == 'staticpie':
                continue   # bfd's output crashes: libc's TLS symbols exported, symbolic TPOFF64 relocations
            if o.startswith('-Wl,--sort-section') and (c.fcommon or c.far):
                # (and braze refuses --section-start with the SECTIONS script --sort-section makes)
                continue   # braze refuses COMMON symbols (a -r output's) with --sort-section
            if o == '-Wl,--default-symver' and c.rpart3:
                # bfd gives the program's own __start_X, redefining the library's X@@libs1.so, that
                # version and a verdef for it (a quirk braze does not copy)
                continue
            if o in common_ld + c.exe_ld:
                continue
            if where == 'lib':
                c.lib_ld.append(o); c.lib2_ld.append(o)
            else:
                (common_ld if where == 'all' else c.exe_ld).append(o)
    files_extra = dict(c.extra3)
    exe_libs = []
    if c.so:
        lf = ['-shared'] + common_ld + c.lib_ld
        if c.lib_symbolic: lf.append(c.lib_symbolic)
        if any(c.ver.values()):
            vs = 'VERS_1 {\n global: ' + ' '.join(n + ';' for n in c.ver['VERS_1']) + '\n'
            if c.ver['local']:
                vs += ' local: ' + ' '.join(n + ';' for n in c.ver['local']) + '\n'
            vs += '};\nVERS_2 {\n global: ' + ' '.join(n + ';' for n in c.ver['VERS_2']) + '\n} VERS_1;\n'
            if c.ver['VERS_3']:
                vs += 'VERS_3 {\n global: ' + ' '.join(n + ';' for n in c.ver['VERS_3']) + '\n} VERS_2;\n'
            files_extra['s1.map'] = vs
            lf.append('-Wl,--version-script=s1.map')
        if c.use_dynlist and c.dynlist:
            files_extra['s1.dyn'] = '{ ' + ' '.join(n + ';' for n in c.dynlist) + ' };\n'
            lf.append('-Wl,--dynamic-list=s1.dyn')
        if lib2_m:
            shlibs.append(['libs2.so', [m + '.o' for m in lib2_m], lf[:1] + common_ld + c.lib2_ld + ['-Wl,-soname,libs2.so']])
            exe_libs_2 = ['-ls2']
        else:
            exe_libs_2 = []
        if lib_m:
            shlibs.append(['libs1.so', [m + '.o' for m in lib_m], lf + ['-Wl,-soname,libs1.so']])
            exe_libs.append('-ls1')
        exe_libs += exe_libs_2
        if c.used_dl and 'd1' in present:
            shlibs.append(['libd1.so', ['d1.o'], ['-shared'] + common_ld + c.dl_ld + (['-L.', '-ls1'] if lib_m else [])])
    else:
        lm = lib_m + lib2_m
        if lm:
            archives.append(['libl.a', [m + '.o' for m in lm]])
            exe_libs = ['-Wl,--whole-archive', '-ll', '-Wl,--no-whole-archive']
    modeflag = {'pie': ['-pie'], 'nopie': ['-no-pie'], 'static': ['-static'], 'staticpie': ['-static-pie']}[c.mode]
    exe = [m + '.o' for m in EXE if m in present]
    partial = []
    if c.partial and not c.lto and len(exe) >= 2:
        partial.append(['part.o', exe[1:]])
        exe = exe[:1] + ['part.o']
    arl = []
    if ar_m: arl.append('-lar')
    if br_m: arl.append('-lbr')
    if c.whole_ar and arl:
        arl = ['-Wl,--whole-archive'] + arl + ['-Wl,--no-whole-archive']
    elif c.group and len(arl) > 1:
        arl = ['-Wl,--start-group'] + arl + ['-Wl,--end-group']
    exe_ld = modeflag + common_ld + c.exe_ld + [f'-Wl,--section-start={sec}={a:#x}' for sec, a in c.far]
    if c.far:
        # braze refuses --section-start with aarch64's default noseparate-code; (--pic-veneer: unknown to braze)
        exe_ld.append('-Wl,-z,separate-code')
    if getattr(c, 'exe_dynlist', None):
        files_extra['exe.dyn'] = '{ ' + ' '.join(n + ';' for n in c.exe_dynlist) + ' };\n'
        exe_ld.append('-Wl,--dynamic-list=exe.dyn')
    tail = []
    if c.need_pthread: tail.append('-pthread')
    if c.need_dl and not c.so: tail.append('-ldl')
    if c.asneeded:
        exe_libs = [l for l in exe_libs]
        if '-ls2' in exe_libs:
            exe_libs.insert(exe_libs.index('-ls2'), '-Wl,--as-needed')
            exe_libs.append('-Wl,--no-as-needed')
    if c.deps3 and lib_m and lib2_m:
        s1 = [s for s in shlibs if s[0] == 'libs1.so'][0]
        s1[2] += ['-L.', '-ls2']
        if c.deps3 == 'origin':
            s1[2] += [r.choice(['-Wl,--enable-new-dtags', '-Wl,--disable-new-dtags']), '-Wl,-rpath,$ORIGIN']
        else:
            exe_ld.append('-Wl,-rpath-link,.')
        if c.deps3 == 'asneeded':
            exe_libs = ['-Wl,--as-needed', '-ls1', '-ls2', '-Wl,--no-as-needed']
        else:   # libs2 not named: reached through libs1's DT_NEEDED
            exe_libs = ['-Wl,--copy-dt-needed-entries', '-ls1', '-Wl,--no-copy-dt-needed-entries']
    if c.rpart3:
        if not partial and len(exe) >= 2:
            grp = exe[:2] if r.random() < 0.5 else exe[1:]
            partial.append(['px.o', grp])
            exe = ['px.o' if e == grp[0] else e for e in exe if e not in grp[1:]]
        s1 = [s for s in shlibs if s[0] == 'libs1.so']
        if s1:
            partial.append(['pl.o', s1[0][1]])
            s1[0][1] = ['pl.o']
    spec = {'seed': seed, 'arch': c.arch, 'lang': c.lang, 'mode': c.mode, 'cc': cc, 'feats': c.feats, 'partial': partial, 'lto': c.lto,
            'compile': compile_, 'archives': archives, 'shlibs': shlibs,
            'exe': ['-o', 'prog'] + exe + ['-L.'] + arl + exe_libs + exe_ld + tail}
    if feats_set != 1:
        spec['feats_set'] = feats_set
    for n, t in files_extra.items():
        with open(os.path.join(outdir, n), 'w') as f:
            f.write(t)
    spec['extra_files'] = list(files_extra)
    with open(os.path.join(outdir, 'spec.json'), 'w') as f:
        json.dump(spec, f, indent=1)
    return spec


def parse_overrides(args):
    """KEY=VALUE words (feats=f_tls,f_weak mode=pie lang=cxx) as generate()'s keyword arguments."""
    kw = {}
    for a in args:
        k, v = a.split('=', 1)
        kw[k] = v.split(',') if k == 'feats' else int(v) if k == 'feats_set' else v
    return kw


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--arch', choices=sorted(FEATS_ARCH), default='x86_64')
    ap.add_argument('--feats-set', type=int, default=1, help='2: also the newer features (FEATS_C2 ...); 3: FEATS_C3 ... as well')
    ap.add_argument('seed', type=int)
    ap.add_argument('outdir')
    ap.add_argument('overrides', nargs='*', help='feats=f_a,f_b mode=pie|nopie|static|staticpie lang=c|cxx')
    a = ap.parse_args()
    print(json.dumps(generate(a.seed, a.outdir, a.arch, **{'feats_set': a.feats_set, **parse_overrides(a.overrides)})))
