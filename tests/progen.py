"""Random multi-module C programs for differential linking (ld.bfd vs braze).

A program is an executable and two libraries (shared, or archives in static modes) that define and
use a few symbols of every kind a linker treats differently: functions (plain, weak, IFUNC), data,
.bss, read-only data, arrays, thread-locals, data holding a function's or a variable's address,
weak undefined references, protected and hidden visibility, and one name defined by two modules
(interposition). Every module reads, writes and calls what it uses, and records the address it sees
for each symbol twice: computed in code (PC-relative, GOT, PLT) and stored in its data by the linker
(a data relocation). The program prints values, call results and, per symbol, whether every module
saw the same address -- so a wrong relocation, a missed copy, a broken canonical PLT entry or a
wrong TLS offset shows as a different line, and the output of bfd's link is the expected one.

`generate(seed)` is deterministic; tests/test_progen.py runs a fixed set of seeds in CI;
`python tests/progen.py LDDIR 0-999` sweeps more by hand (see `main`). Where bfd and braze differ on
purpose, `run_seed` says why (bfd's broken outputs that braze refuses).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

MODULES = ("main", "liba", "libb")
KINDS = ("func", "wfunc", "ifunc", "data", "bss", "rodata", "array", "tls", "tbss", "fptr", "dptr", "alias",
         "vfunc")
DATA_KINDS = ("data", "bss", "array")          # what a dptr may point at
FUNC_KINDS = ("func", "wfunc", "ifunc", "vfunc")   # vfunc: two versions (.symver), in a library

# exe modes: (name, cflags for every object, exe link flags, libraries are archives)
EXE_MODES = (
    ("nopie", ["-fno-pie"], ["-no-pie"], False),
    ("pie", ["-fPIE"], ["-pie"], False),
    ("picexe", ["-fPIC"], ["-pie"], False),
    ("static", ["-fno-pie"], ["-static"], True),
    ("static-pie", ["-fPIE"], ["-static-pie"], True),
)
EXTRA_CFLAGS = (["-O0"], ["-O2"], ["-O2", "-fno-plt"], ["-O1", "-ffunction-sections", "-fdata-sections"],
                ["-O2", "-mcmodel=medium"], ["-O2", "-fcommon"], ["-O2", "-mtls-dialect=gnu2"],
                ["-O1", "-ftls-model=initial-exec"], ["-O2", "-ftls-model=local-dynamic"],
                ["-O2", "-fcf-protection=full"], ["-O2", "-flto"])
EXTRA_LDFLAGS = ([], ["-Wl,-z,now"], ["-Wl,-z,norelro"], ["-Wl,--hash-style=sysv"], ["-Wl,--gc-sections"],
                 ["-Wl,-z,lazy"], ["-Wl,--export-dynamic"], ["-Wl,-z,nocopyreloc"], ["-Wl,--as-needed"],
                 ["-Wl,-z,pack-relative-relocs"], ["-Wl,-z,separate-code"], ["-Wl,-O1", "-Wl,--sort-common"],
                 ["-Wl,--emit-relocs"], ["-Wl,--no-relax"], ["-Wl,-z,max-page-size=0x200000"],
                 ["-Wl,--hash-style=both"], ["-Wl,-z,ibtplt"], ["-Wl,-z,noseparate-code"])
LIB_LDFLAGS = ([], [], ["-Wl,-Bsymbolic"], ["-Wl,-Bsymbolic-functions"], ["-Wl,-z,now"], ["-Wl,--gc-sections"],
               ["-Wl,-z,pack-relative-relocs"])


@dataclass
class Sym:
    idx: int
    kind: str
    definers: list[str]          # modules defining it (two: interposition); empty: weak undefined
    vis: str = "default"         # default | protected | hidden
    target: int = -1             # fptr/dptr: the symbol whose address it holds; alias: the aliased one
    init: int = 0
    obj: int = 0                 # which of the defining module's two objects defines it
    align: int = 0               # data: an explicit alignment
    hidden_decl: bool = False    # the other object of a module declares it with its visibility

    @property
    def name(self) -> str:
        return f"g{self.idx}"


@dataclass
class Program:
    seed: int
    mode: tuple
    cflags: list[str]
    ldflags: list[str]
    libflags: list[str]
    syms: list[Sym]
    uses: dict[str, list[int]]            # module -> symbols it references (besides its own)
    ctors: dict[tuple, list[int]]         # (module, object) -> constructor priorities (0: none)
    vscript: dict[str, bool]              # library -> linked with a version script
    sources: dict[str, str] = field(default_factory=dict)   # file stem (main_0, liba_1, ...) -> C
    arch: str = "x86_64"
    oldrefs: dict[str, list[int]] = field(default_factory=dict)   # module -> vfuncs it calls at version 1
    rmods: list[str] = field(default_factory=list)     # modules whose two objects are first joined by `-r`
    wrap: int = -1                                     # a function the program's link wraps (--wrap)
    plug: bool = False                                 # main dlopens a plugin that uses uses["plug"]
    gset: dict = field(default_factory=dict)           # (module, object) -> values it puts in section gset

    @property
    def static(self) -> bool:
        return self.mode[3]

    def describe(self) -> str:
        vs = ",".join(m for m, v in self.vscript.items() if v)
        return (f"seed {self.seed}: mode {self.mode[0]} cflags {' '.join(self.cflags)} ldflags "
                f"{' '.join(self.ldflags)} libflags {' '.join(self.libflags)}" + (f" vscript {vs}" if vs else "")
                + (f" -r {','.join(self.rmods)}" if self.rmods else "") + (f" --wrap=g{self.wrap}" if self.wrap >= 0 else "")
                + (" +plugin" if self.plug else ""))     # (a -T script shows in ldflags)

    def kind_of(self, s: Sym) -> str:
        """What s is used as (an alias is used as what it aliases)."""
        return self.syms[s.target].kind if s.kind == "alias" else s.kind


def generate(seed: int, arch: str = "x86_64") -> Program:
    rng = random.Random(seed)
    mode = rng.choice(EXE_MODES)
    cflags = list(rng.choice(EXTRA_CFLAGS))
    if arch == "aarch64":
        cflags = [{"-mcmodel=medium": "-mcmodel=small", "-mtls-dialect=gnu2": "-mtls-dialect=trad",
                   "-fcf-protection=full": "-mbranch-protection=standard"}.get(f, f) for f in cflags]
    ldflags = list(rng.choice(EXTRA_LDFLAGS))
    libflags = [] if mode[3] else list(rng.choice(LIB_LDFLAGS))
    if arch == "aarch64" and ldflags and ldflags[0] in ("-Wl,--emit-relocs", "-Wl,-z,ibtplt"):
        ldflags = []      # (braze refuses --emit-relocs for aarch64 inputs; -z ibtplt is x86-64's)
    if mode[0] != "picexe" and "-Wl,-z,nocopyreloc" in ldflags:
        ldflags = []      # bfd's output of a -fpie/-fno-pie program with -z nocopyreloc does not run
    if mode[0] == "static-pie" and "-Wl,--export-dynamic" in ldflags:
        # bfd keeps an exported thread-local's initial-exec GOT load with an R_X86_64_TPOFF64 that a
        # static PIE's self-relocation cannot apply: its output crashes (braze relaxes to local-exec)
        ldflags = []
    if "-mcmodel=medium" in cflags and mode[0] != "nopie" and arch == "x86_64":
        cflags = ["-O2"]
    n = rng.randint(6, 14)
    syms: list[Sym] = []
    for i in range(n):
        kind = rng.choice(KINDS)
        if kind == "vfunc" and mode[3]:
            kind = "func"
        if mode[3]:
            definers = [rng.choice(MODULES)]          # archives: one definition per name
        else:
            r = rng.random()
            if r < 0.12 and kind not in ("ifunc", "alias"):
                definers = ["main", rng.choice(("liba", "libb"))]     # interposed by the program
            elif r < 0.2 and kind in ("func", "data", "bss", "fptr", "dptr", "array"):
                definers = []                                          # weak undefined everywhere
            else:
                definers = [rng.choice(MODULES)]
        if kind == "vfunc":
            definers = [rng.choice(("liba", "libb"))]
        vis = "default"
        if definers and len(definers) == 1 and kind != "vfunc":
            v = rng.random()
            vis = "hidden" if v < 0.12 else "protected" if v < 0.22 else "default"
            if vis == "protected" and (definers == ["main"] or mode[3]) and arch == "aarch64":
                # aarch64 bfd 2.40 refuses a program's code address of its own protected function,
                # or of one in a static link ("copy relocation against non-copyable protected
                # symbol"): a bfd bug, not modelled
                vis = "default"
        s = Sym(i, kind, definers, vis, init=rng.randint(1, 999), obj=rng.randint(0, 1),
                align=rng.choice((0, 0, 0, 16, 64)) if kind in ("data", "bss", "array", "tls") else 0,
                hidden_decl=rng.random() < 0.5)
        syms.append(s)
    for s in syms:
        if s.kind in ("fptr", "dptr"):
            pool = [t for t in syms if t.definers and t.vis != "hidden" and t.kind != "alias"
                    and (t.kind in FUNC_KINDS if s.kind == "fptr" else t.kind in DATA_KINDS)]
            if not pool:
                s.kind = "data"
            else:
                s.target = rng.choice(pool).idx
        elif s.kind == "alias":
            pool = [t for t in syms if len(t.definers) == 1 and t.kind in ("func", "data", "bss", "array")
                    and not (t.kind == "bss" and "-fcommon" in cflags)]     # (no alias of a common symbol)
            if not pool:
                s.kind = "data"
            else:
                t = rng.choice(pool)
                s.target, s.definers, s.obj = t.idx, list(t.definers), t.obj
    uses: dict[str, list[int]] = {}
    for m in MODULES:
        own = [s.idx for s in syms if m in s.definers]
        others = [s.idx for s in syms if m not in s.definers and s.vis != "hidden"]
        k = rng.randint(len(others) // 2, len(others)) if others else 0
        uses[m] = sorted(set(own) | set(rng.sample(others, k)))
    # a pointer's target is referenced by the pointer's definers
    for s in syms:
        if s.target >= 0 and s.kind != "alias":
            for d in s.definers:
                if s.target not in uses[d]:
                    uses[d] = sorted(uses[d] + [s.target])
    # hidden symbols are used by their definer only
    for s in syms:
        if s.vis == "hidden":
            for m in MODULES:
                if m not in s.definers and s.idx in uses[m]:
                    uses[m].remove(s.idx)
    ctors = {(m, o): [rng.choice((0, 0, 101, 150, 150, 65535)) for _ in range(rng.randint(0, 2))]
             for m in MODULES for o in (0, 1)}
    vscript = {m: (not mode[3] and m != "main" and (rng.random() < 0.3 or
                                                      any(s.kind == "vfunc" and m in s.definers for s in syms)))
               for m in MODULES}
    # modules that also call the old version of a library's two-version function
    links = {"main": ("liba", "libb"), "libb": ("liba",), "liba": ()}     # what each module links against
    oldrefs = {m: [s.idx for s in syms if s.kind == "vfunc" and s.idx in uses[m] and s.definers[0] in links[m]
                   and rng.random() < 0.5] for m in MODULES}
    rmods = [m for m in MODULES if rng.random() < 0.2]
    if arch == "aarch64" or "-flto" in cflags:
        rmods = []          # (braze refuses -r for aarch64 inputs; -r of LTO objects is not what this tests)
    wraps = [s.idx for s in syms if s.kind == "func" and len(s.definers) == 1 and s.idx in uses["main"]
             and s.vis == "default" and "main" not in s.definers]
    wrap = rng.choice(wraps) if wraps and rng.random() < 0.3 else -1
    # a plugin the program dlopens (RTLD_NOW): its references resolve in the program and its libraries,
    # so what the program exports decides whether it loads
    plug = not mode[3] and rng.random() < 0.4
    if plug:
        pool = [s.idx for s in syms if s.vis != "hidden"]
        uses["plug"] = sorted(rng.sample(pool, rng.randint(1, len(pool)))) if pool else []
        ctors[("plug", 0)] = [rng.choice((0, 101))] if rng.random() < 0.3 else []
    # the program linked with bfd's own default script through -T (braze refuses SECTIONS scripts for
    # aarch64: its layout engine is not checked against aarch64 bfd)
    script = rng.random() < 0.15 and arch == "x86_64"
    # values in a named section `gset` that each module walks from __start_gset to __stop_gset
    gset = {(m, o): [rng.randint(1, 99) for _ in range(rng.randint(0, 3))] for m in MODULES for o in (0, 1)}
    if rng.random() < 0.5:
        gset = {}
    p = Program(seed, mode, cflags, ldflags, libflags, syms, uses, ctors, vscript, arch=arch, oldrefs=oldrefs,
                rmods=rmods, wrap=wrap, plug=plug, gset=gset)
    if script and "-Wl,--emit-relocs" in p.ldflags:
        script = False          # (braze refuses --emit-relocs with a SECTIONS script: not implemented)
    if script:
        p.sources["exe.ld"] = default_script(arch, mode[0] in ("pie", "picexe", "static-pie"))
        p.ldflags = p.ldflags + ["-Wl,-T,exe.ld"]
    for m in MODULES:
        for o in (0, 1):
            p.sources[f"{m}_{o}"] = _object_source(p, m, o)
        if vscript[m]:
            p.sources[f"{m}.map"] = _version_script(p, m)
    if plug:
        p.sources["plug"] = _object_source(p, "plug", 0)
    return p


_SCRIPTS: dict = {}


def default_script(arch: str, pie: bool) -> str:
    """bfd's default script for an executable (`ld --verbose`, with gcc's -z relro)."""
    key = (arch, pie)
    if key not in _SCRIPTS:
        import subprocess
        ld = "aarch64-linux-gnu-ld.bfd" if arch == "aarch64" else "ld.bfd"
        out = subprocess.run([ld, "--verbose", "-z", "relro", *(["-pie"] if pie else [])], capture_output=True,
                             text=True, check=True).stdout
        lines = out.splitlines()
        marks = [i for i, line in enumerate(lines) if line.startswith("=====")]
        _SCRIPTS[key] = "\n".join(lines[marks[0] + 1:marks[1]]) + "\n"
    return _SCRIPTS[key]


def _version_script(p: Program, m: str) -> str:
    names = [s.name for s in p.syms if m in s.definers and s.vis != "hidden"]
    names += [f"{f}_{m}" for f in ("obs", "sobs", "report")]
    tag = m.upper()
    return f"{tag}_1 {{ global: {'; '.join(names)}; local: *; }};\n{tag}_2 {{ global: {tag}_2_dummy; }} {tag}_1;\n"


def _attrs(s: Sym) -> str:
    a = []
    if s.vis != "default":
        a.append(f'visibility("{s.vis}")')
    if s.kind == "wfunc" or (not s.definers):
        a.append("weak")
    if s.kind in FUNC_KINDS:
        a.append("noinline")
    if s.align:
        a.append(f"aligned({s.align})")
    return f"__attribute__(({', '.join(a)})) " if a else ""


_DECL = {"func": "extern int {n}(int){w};", "vfunc": "extern int {n}(int){w};", "wfunc": "extern int {n}(int){w};", "ifunc": "extern int {n}(int){w};",
         "data": "extern int {n}{w};", "bss": "extern int {n}{w};", "rodata": "extern const int {n}{w};",
         "array": "extern int {n}[4]{w};", "tls": "extern __thread int {n}{w};",
         "tbss": "extern __thread int {n}{w};", "fptr": "extern int (*{n})(int){w};", "dptr": "extern int *{n}{w};"}


def _decl(p: Program, s: Sym, same_module: bool) -> str:
    """A declaration of a symbol defined elsewhere (weak when nobody may define it; with its
    visibility when the other object of the same module defines it and the program says so)."""
    a = []
    if not s.definers or s.kind == "wfunc":
        a.append("weak")
    if same_module and s.hidden_decl and s.vis != "default":
        a.append(f'visibility("{s.vis}")')
    w = f" __attribute__(({', '.join(a)}))" if a else ""
    return _DECL[p.kind_of(s)].format(n=s.name, w=w)


def _defn(p: Program, s: Sym, m: str) -> str:
    n, a, k = s.name, _attrs(s), s.init
    # an interposed definition differs by module, so which one wins shows in the output
    if m != "main" and len(s.definers) == 2:
        k += 1000
    if s.kind == "vfunc":
        tag = m.upper()
        return (f"extern int {n}(int);\n"
                f"int {n}_v1(int x) {{ return x + {k}; }}\n"
                f"int {n}_v2(int x) {{ return x * 3 + {k}; }}\n"
                f'__asm__(".symver {n}_v1, {n}@{tag}_1");\n'
                f'__asm__(".symver {n}_v2, {n}@@{tag}_2");')
    if s.kind in ("func", "wfunc"):
        return f"{a}int {n}(int x) {{ return x * {k % 7 + 2} + {k}; }}"
    if s.kind == "ifunc":
        vis = f'__attribute__((visibility("{s.vis}"))) ' if s.vis != "default" else ""
        return (f"static int {n}_a(int x) {{ return x + {k}; }}\n"
                f"static int {n}_b(int x) {{ return x - {k}; }}\n"
                f"static int (*{n}_res(void))(int) {{ return {k % 2} ? {n}_a : {n}_b; }}\n"
                f"{vis}int {n}(int) __attribute__((ifunc(\"{n}_res\")));")
    if s.kind == "alias":
        t = p.syms[s.target]
        vis = f'visibility("{s.vis}"), ' if s.vis != "default" else ""
        sig = {"func": f"int {n}(int)", "data": f"int {n}", "bss": f"int {n}", "array": f"int {n}[4]"}[t.kind]
        return f'extern {sig} __attribute__(({vis}alias("{t.name}")));'
    if s.kind == "data":
        return f"{a}int {n} = {k};"
    if s.kind == "bss":
        if "-fcommon" in p.cflags and not a:
            return f"int {n};"
        return f"{a}int {n};"
    if s.kind == "rodata":
        return f"{a}const int {n} = {k};"
    if s.kind == "array":
        return f"{a}int {n}[4] = {{{k}, {k + 1}, {k + 2}, {k + 3}}};"
    if s.kind == "tls":
        return f"{a}__thread int {n} = {k};"
    if s.kind == "tbss":
        return f"{a}__thread int {n};"
    t = p.syms[s.target]
    if s.kind == "fptr":
        return f"{a}int (*{n})(int) = {t.name};"
    return f"{a}int *{n} = {'&' + t.name if t.kind != 'array' else t.name};"


def _addr(p: Program, s: Sym) -> str:
    return f"(void *){'&' if p.kind_of(s) != 'array' else ''}{s.name}"


def _use(p: Program, s: Sym, m: str) -> list[str]:
    """Statements of report_<m> using s: print what this module sees."""
    n = s.name
    out = [f'  obs[{s.idx}] = {_addr(p, s)};']
    guard = "" if s.definers else f"if ({_addr(p, s)}) "
    pr = f'printf("{m} {n} '
    other = f' else {pr}null\\n");' if guard else ""
    kind = p.kind_of(s)
    if kind in FUNC_KINDS:
        body = f'{pr}call %d\\n", {n}(3));'
    elif kind in ("data", "bss", "tls", "tbss"):
        body = f'{{ {n} += {s.idx + 1}; {pr}%d\\n", {n}); }}'
    elif kind == "rodata":
        body = f'{pr}%d\\n", {n});'
    elif kind == "array":
        body = f'{{ {n}[{s.idx % 4}] += 1; {pr}%d %d\\n", {n}[0], {n}[{s.idx % 4}]); }}'
    elif kind == "fptr":
        body = f'{pr}fp %s %d\\n", {n} ? "set" : "0", {n} ? {n}(5) : 0);'
    else:
        body = f'{pr}dp %s %d\\n", {n} ? "set" : "0", {n} ? *{n} : 0);'
    out.append(f"  {guard}{body}{other}")
    if s.idx in p.oldrefs.get(m, ()):
        out.append(f'  {pr}old %d\\n", {n}_old(3));')
    return out


def _object_source(p: Program, m: str, o: int) -> str:
    """Object o of module m: its share of the module's definitions; object 0 also reports."""
    n = len(p.syms)
    lines = ["#include <stdio.h>", ""]
    mine = [s for s in p.syms if m in s.definers and s.obj == o]
    needed: set[int] = set()
    if o == 0:
        needed |= set(p.uses[m])
    for s in mine:
        if s.target >= 0:
            needed.add(s.target)
    for i in sorted(needed):
        s = p.syms[i]
        if not (m in s.definers and s.obj == o):
            lines.append(_decl(p, s, m in s.definers))
            if o == 0 and i in p.oldrefs.get(m, ()):
                tag = s.definers[0].upper()
                lines.append(f'extern int {s.name}_old(int);\n__asm__(".symver {s.name}_old, {s.name}@{tag}_1");')
    for s in sorted(mine, key=lambda s: (s.kind == "alias", s.target >= 0)):   # pointers, aliases last
        lines.append(_defn(p, s, m))
    if m == "main" and o == 1 and p.wrap >= 0:
        w = p.syms[p.wrap].name
        lines.append(f"int __real_{w}(int);\nint __wrap_{w}(int x) {{ return __real_{w}(x) + 70000; }}")
    for k, v in enumerate(p.gset.get((m, o), ())):
        lines.append(f'static int gset_{m}_{o}_{k} __attribute__((used, section("gset"), aligned(4))) = {v};')
    for k, prio in enumerate(p.ctors[(m, o)]):
        pa = f"constructor({prio})" if prio else "constructor"
        lines.append(f'__attribute__(({pa})) static void ctor{k}(void) {{ printf("ctor {m}_{o} {k} {prio}\\n"); }}')
    if o == 1:
        return "\n".join(lines) + "\n"
    used = [p.syms[i] for i in p.uses[m]]
    # addresses stored by the linker (data relocations); thread-locals' addresses are not constants
    stat = [s for s in used if p.kind_of(s) not in ("tls", "tbss")]
    lines.append(f"static void *sobs[{n}] = {{")
    for s in stat:
        lines.append(f"  [{s.idx}] = {_addr(p, s)},")
    lines.append("};")
    lines.append(f"static void *obs[{n}];")
    vis = '__attribute__((visibility("default"))) '
    lines.append(f"{vis}void **obs_{m}(void) {{ return obs; }}")
    lines.append(f"{vis}void **sobs_{m}(void) {{ return sobs; }}")
    lines.append(f"{vis}void report_{m}(void) {{")
    if any(p.gset.get((m, x)) for x in (0, 1)):
        # (a module with its own gset values: in a static link every module's are in the one section)
        lines.append('  { extern int __start_gset[] __attribute__((weak)), __stop_gset[] __attribute__((weak));')
        lines.append('    int n = 0, sum = 0; for (int *q = __start_gset; q < __stop_gset; q++) { n++; sum += *q; }')
        lines.append(f'    printf("{m} gset %d %d\\n", n, sum); }}')
    for s in used:
        lines.extend(_use(p, s, m))
    lines.append("}")
    if m == "main":
        lines.append(_main_body(p))
    return "\n".join(lines) + "\n"


def _main_body(p: Program) -> str:
    n = len(p.syms)
    plug = []
    if p.plug:
        plug = ["  {",
                "    char path[4096]; snprintf(path, sizeof path, \"%s.plug.so\", argv[0]);",
                "    void *h = dlopen(path, RTLD_NOW);",
                '    if (!h) printf("dlopen failed\\n");',
                "    else {",
                '      ((void (*)(void))dlsym(h, "report_plug"))();',
                '      void **po = ((void **(*)(void))dlsym(h, "obs_plug"))();',
                '      void **ps = ((void **(*)(void))dlsym(h, "sobs_plug"))();',
                f"      for (int i = 0; i < {n}; i++)",
                "        if (po[i] || ps[i])",
                '          printf("plug g%d %d %d\\n", i, po[i] == o[0][i] || !o[0][i], ps[i] == po[i] || !ps[i]);',
                "    }",
                "  }"]
    out = ["#include <dlfcn.h>",
           "void report_main(void); void **obs_main(void); void **sobs_main(void);",
           "void **obs_liba(void); void **sobs_liba(void); void report_liba(void);",
           "void **obs_libb(void); void **sobs_libb(void); void report_libb(void);",
           "int main(int argc, char **argv) {",
           "  report_main(); report_liba(); report_libb(); report_main();",
           "  void **o[6] = {obs_main(), sobs_main(), obs_liba(), sobs_liba(), obs_libb(), sobs_libb()};",
           *plug,
           f"  for (int i = 0; i < {n}; i++) {{",
           "    void *first = 0; int seen = 0, same = 1, null = 0;",
           "    for (int j = 0; j < 6; j++) {",
           "      if (j % 2 && o[j - 1][i] == 0) continue;   /* not used there */",
           "      if (!(j % 2) && o[j][i] == 0 && o[j + 1][i] == 0) continue;",
           "      void *v = o[j][i];",
           "      if (!v) { null++; continue; }",
           "      if (!seen) first = v; else if (v != first) same = 0;",
           "      seen++;",
           "    }",
           '    printf("addr g%d seen %d same %d null %d\\n", i, seen, same, null);',
           "  }",
           "  return 0;",
           "}"]
    return "\n".join(out)


def build_commands(p: Program, ld: list[str], tag: str) -> list[list[str]]:
    """Commands that compile and link p with the linker flags `ld` (outputs suffixed by tag)."""
    gcc, ar = (("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-ar") if p.arch == "aarch64" else ("gcc", "ar"))
    cf = [gcc, "-c", "-w", *p.cflags, *p.mode[1]]
    libcf = [gcc, "-c", "-w", *p.cflags, *(p.mode[1] if p.static else ["-fPIC"])]
    cmds = []
    for m in MODULES:
        for o in (0, 1):
            cmds.append([*(cf if m == "main" else libcf), f"{m}_{o}.c", "-o", f"{m}_{o}.o"])
    objs = {m: [f"{m}_0.o", f"{m}_1.o"] for m in MODULES}
    for m in p.rmods:
        cmds.append([gcc, *ld, "-nostdlib", "-r", *objs[m], "-o", f"{m}_r-{tag}.o"])
        objs[m] = [f"{m}_r-{tag}.o"]
    wrap = [f"-Wl,--wrap=g{p.wrap}"] if p.wrap >= 0 else []
    if p.plug:
        cmds.append([*libcf, "plug.c", "-o", "plug.o"])
        cmds.append([gcc, *ld, "-shared", *p.libflags, "plug.o", "-o", f"prog-{tag}.plug.so"])
    if p.static:
        cmds += [[ar, "rcs", f"liba-{tag}.a", *objs["liba"]],
                 [ar, "rcs", f"libb-{tag}.a", *objs["libb"]],
                 [gcc, *ld, *p.mode[2], *p.ldflags, *wrap, *objs["main"], "-Wl,--start-group", f"libb-{tag}.a",
                  f"liba-{tag}.a", "-Wl,--end-group", "-o", f"prog-{tag}"]]
    else:
        vs = {m: [f"-Wl,--version-script={m}.map"] if p.vscript[m] else [] for m in MODULES}
        cmds += [[gcc, *ld, "-shared", *p.libflags, *vs["liba"], *objs["liba"], "-o", f"liba-{tag}.so"],
                 [gcc, *ld, "-shared", *p.libflags, *vs["libb"], *objs["libb"], f"liba-{tag}.so",
                  "-o", f"libb-{tag}.so"],
                 [gcc, *ld, *p.mode[2], *p.ldflags, *wrap, *objs["main"], f"libb-{tag}.so", f"liba-{tag}.so",
                  "-Wl,-rpath,$ORIGIN", "-o", f"prog-{tag}"]]
    return cmds


def first_error(stderr: str, tag: str) -> str:
    """The linker's first error message without its tool prefix, file names untagged."""
    import re
    for line in stderr.splitlines():
        u = re.search(r"undefined reference to `(.*)'$", line)
        if u:
            return f"undefined symbol: {u.group(1)}"
        m = re.match(r"(?:\S*ld(?:\.bfd)?|braze): (?:error: )?(.*)", line)
        if m and re.search(r": in function `.*':$", m.group(1)):
            continue
        if m and not m.group(1).endswith("is dangerous") and not m.group(1).startswith("warning:"):
            return m.group(1).replace(f"-{tag}.", ".")
    return stderr[-300:]


def _untemp(msg: str) -> str:
    import re
    return re.sub(r"/tmp/cc\w+\.ltrans\d+\.ltrans\.o", "<ltrans>.o", msg)     # (LTO's temporary objects)


def same_failure(bfd: str, braze: str) -> bool:
    """bfd stops at its first error, braze reports them all. A local-dynamic offset of another
    module's thread-local: bfd refuses it when a library defines the symbol and links it silently
    (a meaningless offset) when none does yet, as when linking the first library; braze refuses both,
    so it may stop at an earlier step of the build."""
    bfd, braze = _untemp(bfd), _untemp(braze)
    if bfd in braze.splitlines():
        return True
    # bfd reports the first of several such errors in its hash table's order: the same error about
    # another symbol is the same failure
    import re
    anon = re.sub(r"`[^']*'", "`?'", bfd)
    if any(re.sub(r"`[^']*'", "`?'", b) == anon for b in braze.splitlines()):
        return True
    return _LD_TLS in braze


_LD_TLS = "unresolvable R_X86_64_DTPOFF"


def all_errors(stderr: str, tag: str) -> str:
    import re
    out = []
    for line in stderr.splitlines():
        m = re.match(r"(?:\S*ld(?:\.bfd)?|braze): (?:error: )?(.*)", line)
        if m:
            out.append(m.group(1).replace(f"-{tag}.", "."))
    return "\n".join(out) or stderr[-300:]


def run_seed(seed: int, lddir: str, workdir: str, env: dict | None = None,
             arch: str = "x86_64") -> tuple[str, str]:
    """Build and run seed's program with bfd and with lddir/ld in workdir: ("ok" | "both fail" |
    "DIFF" | "GENERATOR BUG" | "bfd broken", a report)."""
    p = generate(seed, arch)
    return run_program(p, build_commands, lddir, workdir, env, arch)


def _is_compile(c: list[str]) -> bool:
    return c[0].endswith(("gcc", "g++")) and "-c" in c


def run_program(p, build, lddir: str, workdir: str, env: dict | None, arch: str) -> tuple[str, str]:
    """p's files written to workdir (a key with a suffix is a file name, else a .c file), compiled
    once, then linked by `build(p, ld, tag)`'s commands with bfd and with lddir/ld, and run."""
    import os
    import subprocess
    for m, src in p.sources.items():
        with open(os.path.join(workdir, m if "." in m else m + ".c"), "w") as f:
            f.write(src)
    for c in build(p, [], "x"):
        if _is_compile(c):
            r = subprocess.run(c, cwd=workdir, capture_output=True, text=True, env=env)
            if r.returncode:
                return "GENERATOR BUG", f"{p.describe()}: {r.stderr[-800:]}"
    res: dict[str, tuple] = {}
    for tag, ld in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{lddir}/"])):
        ok, err = True, ""
        for c in build(p, ld, tag):
            if _is_compile(c):
                continue
            r = subprocess.run(c, cwd=workdir, capture_output=True, text=True, env=env)
            if r.returncode:
                ok, err = False, first_error(r.stderr, tag) if tag == "bfd" else all_errors(r.stderr, tag)
                break
        if ok:
            run = ["./prog-" + tag] if arch == "x86_64" else ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu",
                                                                "./prog-" + tag]
            r = subprocess.run(run, cwd=workdir, capture_output=True, text=True,
                               env={"LD_LIBRARY_PATH": "", "PATH": "/usr/bin:/bin"}, timeout=20)
            res[tag] = (True, r.returncode, r.stdout)
        else:
            res[tag] = (False, err)
    if not res["bfd"][0] and "assertion fail" in res["bfd"][1]:
        return "bfd broken", f"{p.describe()}: {res['bfd'][1]}"     # (aarch64 bfd: -Bsymbolic with an IFUNC)
    if not res["bfd"][0] and not res["braze"][0] and same_failure(res["bfd"][1], res["braze"][1]):
        res["braze"] = res["bfd"]
    if res["bfd"][0] and res["bfd"][1] in (-11, 127) and not res["braze"][0] and _LD_TLS in res["braze"][1]:
        res["braze"] = res["bfd"]     # bfd's program with that meaningless offset crashed or did not load
    if res["bfd"] != res["braze"]:
        if res["bfd"][0] and res["braze"][0]:
            import difflib
            d = difflib.unified_diff(res["bfd"][2].splitlines(), res["braze"][2].splitlines(), "bfd", "braze",
                                     lineterm="", n=0)
            return "DIFF", f"{p.describe()}\n  exit {res['bfd'][1]} / {res['braze'][1]}\n  " + "\n  ".join(d)
        return "DIFF", p.describe() + "".join(f"\n  {t}: {str(res[t])[:3000]}" for t in ("bfd", "braze"))
    if not res["bfd"][0]:
        return "both fail", f"{p.describe()}: {res['bfd'][1][-200:]}"
    return "ok", p.describe()


def main(argv: list[str], run=None, keep_as: str = "progen") -> int:
    """python progen.py [--arch=aarch64] LDDIR SEED[-SEED2]...: build each seed with bfd and with LDDIR/ld, print
    the differences (a differing seed's files are kept in /tmp/<keep_as>-SEED). cxxgen.py passes its run_seed."""
    run = run or run_seed
    import os
    import shutil
    import sys
    import tempfile
    arch = "x86_64"
    if argv[0].startswith("--arch="):
        arch = argv.pop(0).split("=", 1)[1]
    lddir = os.path.abspath(argv[0])
    seeds: list[int] = []
    for a in argv[1:]:
        lo, _, hi = a.partition("-")
        seeds += range(int(lo), int(hi or lo) + 1)
    bad = 0
    for seed in seeds:
        with tempfile.TemporaryDirectory() as d:
            what, report = run(seed, lddir, d, arch=arch)
            print(f"{what} {report}")
            if what in ("DIFF", "GENERATOR BUG"):
                bad += 1
                keep = f"/tmp/{keep_as}-{seed}"
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(d, keep)
        sys.stdout.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
