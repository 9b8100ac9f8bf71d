"""Random multi-module C++ programs for differential linking (ld.bfd vs braze), the C++ side of
progen.py: what a linker must get right for C++ across a program and its libraries.

A header shared by the three modules (the program, liba, libb) defines class templates with static
data members, inline functions with static locals (both STB_GNU_UNIQUE objects that the loader
unifies across modules), polymorphic classes whose vtables and typeinfo live in one library (a key
function) or in every module that uses them (inline), and exception classes. Each module bumps the
shared counters, compares the addresses it sees with the others', creates objects another module
dynamic_casts, and calls functions of other modules that throw, catching by the exact class or a
base. The program prints all of it; bfd's output is the expected one.

`generate(seed)` is deterministic; tests/test_progen.py runs a fixed set of seeds;
`python tests/cxxgen.py LDDIR 0-99` sweeps more by hand.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from progen import default_script, run_program

MODULES = ("main", "liba", "libb")
# (name, objects' flags, program's link flags, libraries are archives)
EXE_MODES = (
    ("nopie", ["-fno-pie"], ["-no-pie"], False),
    ("pie", ["-fPIE"], ["-pie"], False),
    ("static", ["-fno-pie"], ["-static"], True),
)
EXTRA_CFLAGS = (["-O0"], ["-O2"], ["-O2", "-fno-plt"], ["-O1", "-ffunction-sections", "-fdata-sections"],
                ["-O2", "-fvisibility-inlines-hidden"], ["-O2", "-fno-gnu-unique"], ["-O1", "-fno-inline"])
EXTRA_LDFLAGS = ([], ["-Wl,-z,now"], ["-Wl,--gc-sections"], ["-static-libstdc++", "-static-libgcc"],
                 ["-Wl,--export-dynamic"], ["-Wl,-z,norelro"], ["-Wl,--hash-style=gnu", "-Wl,-O1"])
LIB_LDFLAGS = ([], [], ["-Wl,-Bsymbolic"], ["-Wl,-Bsymbolic-functions"], ["-Wl,--gc-sections"],
               ["-static-libstdc++", "-static-libgcc"], ["-Wl,-z,now"])


@dataclass
class Program:
    seed: int
    mode: tuple
    cflags: list[str]
    ldflags: list[str]
    libflags: list[str]
    arch: str = "x86_64"
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def static(self) -> bool:
        return self.mode[3]

    def describe(self) -> str:
        return (f"c++ seed {self.seed}: mode {self.mode[0]} cflags {' '.join(self.cflags)} ldflags "
                f"{' '.join(self.ldflags)} libflags {' '.join(self.libflags)}")


def generate(seed: int, arch: str = "x86_64") -> Program:
    rng = random.Random(seed * 7919 + 17)
    mode = rng.choice(EXE_MODES)
    p = Program(seed, mode, list(rng.choice(EXTRA_CFLAGS)), list(rng.choice(EXTRA_LDFLAGS)),
                [] if mode[3] else list(rng.choice(LIB_LDFLAGS)), arch)
    if mode[3] and "-static-libstdc++" in p.ldflags:
        p.ldflags = []
    if arch == "x86_64" and rng.random() < 0.15:      # the program linked with bfd's default script (-T)
        p.sources["exe.ld"] = default_script(arch, mode[0] == "pie")
        p.ldflags = p.ldflags + ["-Wl,-T,exe.ld"]
    ntmpl, ninl, nder, nerr = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 3)
    tmpl = sorted(rng.sample(range(1, 50), ntmpl))
    inl = sorted(rng.sample(range(1, 50), ninl))
    # derived classes: (k, where its key function is defined: a module, or None for an inline one)
    der = [(k, rng.choice((None, None, "liba", "libb", "main"))) for k in sorted(rng.sample(range(1, 50), nder))]
    errs = sorted(rng.sample(range(1, 50), nerr))
    tls = sorted(rng.sample(range(1, 50), rng.randint(0, 2)))     # inline thread_local with a dynamic init
    ivars = sorted(rng.sample(range(1, 50), rng.randint(0, 2)))   # C++17 inline variables
    # who throws which error (a module exports thrower_<m>_<k>), who catches how
    throws = {(m, k): rng.random() < 0.6 for m in MODULES for k in errs}
    p.sources["common.h"] = _header(tmpl, inl, der, errs, tls, ivars)
    for m in MODULES:
        p.sources[f"{m}.cc"] = _module(rng, m, tmpl, inl, der, errs, throws, tls, ivars)
    return p


def _header(tmpl, inl, der, errs, tls, ivars) -> str:
    out = ["#include <cstdio>", "#include <stdexcept>", "#include <typeinfo>", "",
           "int next_id();",
           "struct Noisy { const char *who; int id; explicit Noisy(const char *w) : who(w), id(next_id()) "
           '{ std::printf("ctor %s\\n", who); } ~Noisy() { std::printf("dtor %s\\n", who); } };',
           "template <int K> struct Cnt { static int v; static int bump(int d) { v += d; return v; } };",
           "template <int K> int Cnt<K>::v = K * 10;", ""]
    for k in inl:
        out.append(f"inline int inl{k}() {{ static int n = {k}; return ++n; }}")
    for k in tls:
        out.append(f"inline thread_local int tl{k} = next_id() + {k};")
    for k in ivars:
        out.append(f"inline int iv{k} = {k} * 3;")
    out.append("struct Base { virtual ~Base(); virtual int f() const; };")
    for k, key in der:
        if key is None:
            out.append(f"struct D{k} : Base {{ int f() const override {{ return {k}; }} }};")
        else:
            out.append(f"struct D{k} : Base {{ int f() const override; }};")
    for k in errs:
        out.append(f"struct Err{k} : std::runtime_error {{ int code; "
                   f"explicit Err{k}(int c) : std::runtime_error(\"err{k}\"), code(c) {{}} }};")
    for m in MODULES:
        out.append(f"void report_{m}();")
        out.append(f"void *addrs_{m}(int i);")
        out.append(f"Base *make_{m}(int k);")
        out.append(f"const std::type_info &ti_{m}(int k);")
        for k in errs:
            out.append(f"void thrower_{m}_{k}(int c);")
    return "\n".join(out) + "\n"


def _module(rng, m, tmpl, inl, der, errs, throws, tls, ivars) -> str:
    out = ['#include "common.h"', ""]
    if m == "main":
        out.append("int next_id() { static int n; return ++n; }")
    for i in range(rng.randint(0, 2)):
        prio = rng.choice(("", "", " __attribute__((init_priority(1000)))", " __attribute__((init_priority(200)))"))
        out.append(f'static Noisy noisy{i}{prio}("{m}{i}");')
    if m == "liba":
        out.append("Base::~Base() {}")
        out.append("int Base::f() const { return -1; }")
    for k, key in der:
        if key == m:
            out.append(f"int D{k}::f() const {{ return {k} * 100; }}")
    for k in errs:
        if throws[(m, k)]:
            out.append(f"void thrower_{m}_{k}(int c) {{ if (c >= 0) throw Err{k}(c); }}")
        else:
            out.append(f"void thrower_{m}_{k}(int c) {{ if (c >= 0) throw std::logic_error(\"plain\"); }}")
    # addresses of the shared entities as this module sees them, in one fixed order
    ents = [f"(void *)&Cnt<{k}>::v" for k in tmpl] + [f"(void *)&inl{k}" for k in inl]
    ents += [f"(void *)&typeid(D{k})" for k, _ in der] + [f"(void *)&typeid(Err{k})" for k in errs]
    ents += [f"(void *)&tl{k}" for k in tls] + [f"(void *)&iv{k}" for k in ivars]
    out.append(f"void *addrs_{m}(int i) {{")
    out.append(f"  void *a[] = {{{', '.join(ents)}}};")
    out.append("  return a[i];")
    out.append("}")
    out.append(f"Base *make_{m}(int k) {{")
    for k, _ in der:
        out.append(f"  if (k == {k}) return new D{k};")
    out.append("  return nullptr;")
    out.append("}")
    out.append(f"const std::type_info &ti_{m}(int k) {{")
    for k, _ in der:
        out.append(f"  if (k == {k}) return typeid(D{k});")
    out.append("  return typeid(Base);")
    out.append("}")
    out.append(f"void report_{m}() {{")
    for k in tmpl:
        out.append(f'  std::printf("{m} cnt{k} %d\\n", Cnt<{k}>::bump({rng.randint(1, 9)}));')
    for k in inl:
        out.append(f'  std::printf("{m} inl{k} %d\\n", inl{k}());')
    for k in tls:
        out.append(f'  std::printf("{m} tl{k} %d\\n", tl{k} += {rng.randint(1, 9)});')
    for k in ivars:
        out.append(f'  std::printf("{m} iv{k} %d\\n", iv{k} += {rng.randint(1, 9)});')
    for k, _ in der:
        src = rng.choice(MODULES)
        out.append(f"  {{ Base *b = make_{src}({k}); D{k} *d = dynamic_cast<D{k} *>(b);")
        out.append(f'    std::printf("{m} d{k} from {src}: %d %d %d\\n", b->f(), d != nullptr, '
                   f"ti_{src}({k}) == typeid(D{k})); delete b; }}")
    for k in errs:
        src = rng.choice(MODULES)
        how = rng.choice(("exact", "base", "all"))
        catch = {"exact": f"const Err{k} &e", "base": "const std::exception &e", "all": "..."}[how]
        what = {"exact": f'std::printf("{m} caught err{k} from {src}: %d\\n", e.code);',
                "base": f'std::printf("{m} caught base from {src}: %s\\n", e.what());',
                "all": f'std::printf("{m} caught something from {src}\\n");'}[how]
        out.append(f"  try {{ thrower_{src}_{k}({rng.randint(0, 99)}); }} catch ({catch}) {{ {what} }}")
        if how == "exact":
            out.append(f'    catch (const std::exception &e) {{ std::printf("{m} other from {src}: %s\\n", e.what()); }}')
    out.append("}")
    if m == "main":
        n = len(ents)
        out += ["int main() {",
                "  report_main(); report_liba(); report_libb(); report_main();",
                f"  for (int i = 0; i < {n}; i++)",
                '    std::printf("addr %d %d %d\\n", i, addrs_main(i) == addrs_liba(i), addrs_main(i) == addrs_libb(i));',
                "  return 0;",
                "}"]
    return "\n".join(out) + "\n"


def build_commands(p: Program, ld: list[str], tag: str) -> list[list[str]]:
    cxx, ar = (("aarch64-linux-gnu-g++", "aarch64-linux-gnu-ar") if p.arch == "aarch64" else ("g++", "ar"))
    cmds = [[cxx, "-c", "-w", *p.cflags, *p.mode[1], "main.cc", "-o", "main.o"]]
    for m in ("liba", "libb"):
        cmds.append([cxx, "-c", "-w", *p.cflags, *(p.mode[1] if p.static else ["-fPIC"]), f"{m}.cc", "-o", f"{m}.o"])
    if p.static:
        cmds += [[ar, "rcs", f"liba-{tag}.a", "liba.o"], [ar, "rcs", f"libb-{tag}.a", "libb.o"],
                 [cxx, *ld, *p.mode[2], *p.ldflags, "main.o", "-Wl,--start-group", f"libb-{tag}.a", f"liba-{tag}.a",
                  "-Wl,--end-group", "-o", f"prog-{tag}"]]
    else:
        cmds += [[cxx, *ld, "-shared", *p.libflags, "liba.o", "-o", f"liba-{tag}.so"],
                 [cxx, *ld, "-shared", *p.libflags, "libb.o", f"liba-{tag}.so", "-o", f"libb-{tag}.so"],
                 [cxx, *ld, *p.mode[2], *p.ldflags, "main.o", f"libb-{tag}.so", f"liba-{tag}.so",
                  "-Wl,-rpath,$ORIGIN", "-o", f"prog-{tag}"]]
    return cmds


def run_seed(seed: int, lddir: str, workdir: str, env: dict | None = None, arch: str = "x86_64"):
    return run_program(generate(seed, arch), build_commands, lddir, workdir, env, arch)


def main(argv: list[str]) -> int:
    """python cxxgen.py [--arch=aarch64] LDDIR SEED[-SEED2]..."""
    from progen import main as sweep
    return sweep(argv, run_seed, "cxxgen")


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
