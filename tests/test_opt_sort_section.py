"""--sort-section=name|alignment against ld.bfd, from the same objects (written here, compiled with
-ffunction-sections -fdata-sections: many .text.NAME/.data.NAME/.rodata.NAME inputs of various
alignments, strings and constants in SHF_MERGE sections, a constructor): dynamic PIE, -no-pie, -static,
-shared, C++ with libstdc++, and -T scripts with and without SORT_* of their own. Compared: the
allocated sections (readelf -S: name, type, address, offset, size, flags, alignment), the program
headers, every .symtab row (value, type, bind, section, name), the bytes of every allocated section
and of every function of the program's own objects, and the programs' output. What braze already
does differently from bfd in the same link without the option (.dynsym order, so GOT slots and the
code using them; see README) is taken from that link and not held against the option."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_cmd, run_env

A_C = r"""
#include <stdio.h>
__attribute__((aligned(32))) int zeta_d[3] = {1, 2, 3};
int alpha_d = 5;
__attribute__((aligned(16))) const char mid_r[5] = "abcd";
const long beta_r = 7;
static int ctor_seen;
__attribute__((constructor)) static void early(void) { ctor_seen = 11; }
__attribute__((aligned(64), noinline)) int zz_fn(int x) { return x * 3; }
__attribute__((noinline)) int aa_fn(int x) { return x + 1; }
__attribute__((aligned(32), noinline)) int mm_fn(int x) { return x - 2; }
__attribute__((noinline)) double dd_fn(double x) { return x * 1.25 + 0.5; }
int bb_fn(int);
int ba_fn(int);
const char *name_of(int);
int main(void)
{
    printf("%d %d %d %d %d %s %ld %g %d\n", zz_fn(1), aa_fn(2), mm_fn(3), bb_fn(4), zeta_d[1] + alpha_d,
           mid_r, beta_r, dd_fn(2.0), ctor_seen);
    printf("%s %s %d\n", name_of(0), name_of(1), ba_fn(2));
    return 0;
}
"""

B_C = r"""
__attribute__((aligned(16))) int kk_d[2] = {9, 9};
int ab_d = 1;
__attribute__((aligned(8))) char tiny_d = 3;
__attribute__((aligned(64))) const int wide_r[4] = {4, 3, 2, 1};
__attribute__((noinline)) int bb_fn(int x) { return x * 5 + tiny_d; }
__attribute__((aligned(128), noinline)) int ba_fn(int x) { return x * 7 + wide_r[1] + kk_d[0]; }
__attribute__((noinline)) float ff_fn(float x) { return x * 3.5f; }
const char *name_of(int i) { return i ? "second name" : "first"; }
"""

# (compiled with -fvisibility=hidden: its code reaches its data without the GOT, whose slot order is
# .dynsym's)
LIB_C = "#pragma GCC visibility push(default)\nint lib_fn(int);\nconst char *name_of(int);\n" \
    "#pragma GCC visibility pop\n" + B_C + r"""
__attribute__((aligned(32), noinline)) int lib_fn(int x) { return bb_fn(x) + ba_fn(x) + ab_d; }
"""

LIB_MAIN_C = r"""
#include <stdio.h>
int lib_fn(int);
const char *name_of(int);
int main(void) { printf("%d %s\n", lib_fn(3), name_of(1)); return 0; }
"""

CXX = r"""
#include <iostream>
#include <map>
#include <string>
#include <vector>
struct __attribute__((aligned(32))) Big { double v[4]; };
template <class T> T twice(T x) { return x + x; }
static std::map<std::string, int> table = {{"b", 2}, {"a", 1}, {"z", 26}};
int main()
{
    std::vector<std::string> v{"zeta", "alpha", "beta"};
    Big b{};
    b.v[1] = 2;
    for (auto &s : v)
        std::cout << twice(s) << " " << table[s.substr(0, 1)] << "\n";
    std::cout << twice(3) << " " << b.v[1] << std::endl;
    try {
        throw std::string("thrown");
    } catch (std::string &e) {
        std::cout << e << "\n";
    }
    return 0;
}
"""

# -T scripts: sections of various alignments in two files (the .o names are what the scripts name)
C_S = """
.section .text,"ax"
.balign 4
.globl _start
_start: nop
.section .init,"ax"
.balign 4
c_init: .byte 1
.section .foo,"ax"
.balign 2
c_foo: .byte 1
.section .foo.z,"ax"
.balign 8
c_fooz: .byte 1
.section .foo.b,"ax"
c_foob: .byte 1
.section .baz,"ax"
.balign 4
c_baz: .byte 1
.section .fini,"ax"
.balign 2
c_fini: .byte 1
"""

D_S = """
.section .text,"ax"
.balign 64
d_text: nop
.section .init,"ax"
.balign 32
d_init: .byte 2
.section .foo,"ax"
.balign 16
d_foo: .byte 1
.section .foo.a,"ax"
.balign 8
d_fooa: .byte 1
.section .baz,"ax"
.balign 32
d_baz: .byte 1
.section .fini,"ax"
.balign 16
d_fini: .byte 2
.section .ctors,"aw"
.balign 8
d_ctors: .quad 1
.section .init_array,"aw"
.balign 4
d_ia: .long 2
"""

SCRIPTS = {
    # a file name alone is not sorted (its sections stay in the file's order)
    "bare": """SECTIONS {
  . = 0x400000;
  .bar : { d.o }
  .text : { *(.text) }
  .foo : { *(.foo .foo.*) }
}""",
    # plain names count (`*(.text)` is sorted), .init/.fini never
    "plain": """SECTIONS {
  . = 0x400000;
  .text : { *(.text) }
  .init : { *(.init) }
  .fini : { KEEP(*(.fini)) }
  .foo : { *(.foo .foo.*) }
  .arr : { *(.init_array .ctors) }
}""",
    # the script's own sorts: the other kind is added inside; SORT_NONE stays; EXCLUDE_FILE
    "sorted": """SECTIONS {
  . = 0x400000;
  .text : { *(EXCLUDE_FILE(c.o) .text) *(SORT_NONE(.text)) }
  .init : { *(SORT_BY_ALIGNMENT(.init)) }
  .fini : { *(SORT_BY_NAME(.fini)) }
  .foo : { *(SORT_BY_ALIGNMENT(.foo*)) }
  .baz : { *(SORT_BY_NAME(.baz)) }
  .arr : { *(SORT_BY_ALIGNMENT(.init_array) SORT_BY_ALIGNMENT(.ctors)) }
}""",
    # a description mixing .init (never sorted) with sorted patterns; files sorted by name; d.o(*)
    "mixed": """SECTIONS {
  . = 0x400000;
  .text : { *(.text .init) }
  .foo : { SORT(*)(.foo .foo.*) }
  .rest : { d.o(*) }
}""",
}


class Build:
    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir
        self.objs: dict[str, Path] = {}

    def run(self, cmd, cwd=None, check=True):
        return run_cmd(cmd, cwd or self.root, check)

    def obj(self, name: str, text: str, compiler: str, *flags: str) -> Path:
        if name not in self.objs:
            src = self.root / name
            src.write_text(text)
            out = self.root / (src.stem + ("_pic" if "-fPIC" in flags else "") + ".o")
            self.run([compiler, "-c", "-O2", "-ffunction-sections", "-fdata-sections", *flags, src, "-o", out])
            self.objs[name] = out
        return self.objs[name]

    def link(self, linker: str, out: str, cmd: list) -> Path:
        d = self.root / linker
        d.mkdir(exist_ok=True)
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]
        self.run([cmd[0], *ld, *map(str, cmd[1:]), "-o", d / out], cwd=d)
        return d / out


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("sortsec"), braze_lddir)


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, check=True).stdout


def alloc_sections(path) -> list[tuple]:
    out = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+"
                         r"\s+(\S*?)\s+\d+\s+\d+\s+(\d+)$", readelf("-S", path), re.M):
        if "A" in m[6]:
            out.append((m[1], m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16), m[6], int(m[7])))
    return out


def segments(path) -> str:
    text = readelf("-l", path)
    return text[text.index("Program Headers:"):]


def symbols(path) -> list[tuple]:
    text = readelf("-s", path).partition("Symbol table '.symtab'")[2]
    return sorted((f[1], f[2], f[3], f[4], f[6], f[7]) for f in (ln.split() for ln in text.splitlines())
                  if len(f) == 8 and f[0].endswith(":") and f[3] != "FILE")


def contents(path) -> dict[str, bytes]:
    data = Path(path).read_bytes()
    return {name: data[off:off + size] for name, typ, _a, off, size, _f, _al in alloc_sections(path)
            if typ != "NOBITS"}


def function_bytes(path, names) -> dict[str, bytes]:
    """The bytes of the named functions (by their .symtab value and size)."""
    secs = alloc_sections(path)
    data = Path(path).read_bytes()
    out = {}
    for value, size, typ, _b, _ndx, name in symbols(path):
        if typ == "FUNC" and name in names and int(size):
            addr = int(value, 16)
            sec = next(s for s in secs if s[2] <= addr < s[2] + s[4])
            off = sec[3] + addr - sec[2]
            out[name] = data[off:off + int(size)]
    return out


def view(path, funcs=()) -> dict:
    return {"sections": alloc_sections(path), "segments": segments(path), "symbols": set(symbols(path)),
            "contents": contents(path), "functions": function_bytes(path, funcs)}


def differences(a: dict, b: dict) -> dict:
    """What differs between two views: section names whose bytes differ, symbol rows on one side only,
    the other views whole."""
    out: dict = {}
    for k in ("sections", "segments"):
        if a[k] != b[k]:
            out[k] = (a[k], b[k])
    syms = a["symbols"] ^ b["symbols"]
    if syms:
        out["symbols"] = syms
    for k in ("contents", "functions"):
        names = {n for n in set(a[k]) | set(b[k]) if a[k].get(n) != b[k].get(n)}
        if names:
            out[k] = names
    return out


def run(exe: Path, libdir: Path | None = None) -> tuple[int, str]:
    cwd = exe.parent
    env = run_env(cwd, {"LD_LIBRARY_PATH": str(libdir)} if libdir else {})
    p = subprocess.run([str(exe)], cwd=cwd, env=env, capture_output=True, text=True, errors="replace",
                       timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout


def compare(build: Build, name: str, cmd: list, funcs=(), runs=True, libdir=None, status=0) -> None:
    """Link `cmd` (gcc and its arguments) with each linker, with and without --sort-section's value in
    the name's last part; the sorted links must differ from each other only where the plain links do."""
    kind = name.rsplit("-", 1)[1]
    sorted_cmd = [*cmd, f"-Wl,--sort-section={kind}"]
    want = view(build.link("bfd", name, sorted_cmd), funcs)
    got = view(build.link("braze", name, sorted_cmd), funcs)
    base = differences(view(build.link("bfd", name + ".plain", cmd), funcs),
                       view(build.link("braze", name + ".plain", cmd), funcs))
    diff = differences(want, got)
    for k in ("sections", "segments"):
        assert k not in diff, f"{name}: {k} differ from bfd's:\n{diff[k][0]}\n{diff[k][1]}"
    extra_syms = diff.get("symbols", set()) - base.get("symbols", set())
    assert not extra_syms, f"{name}: symbol rows differ from bfd's: {sorted(extra_syms)}"
    for k in ("contents", "functions"):
        # (bytes braze already has differently without the option: code calling through a PLT or
        # reading a GOT, whose slots are in .dynsym's order)
        extra = diff.get(k, set()) - base.get(k, set())
        assert not extra, f"{name}: bytes of {sorted(extra)} differ from bfd's"
    # the option moved something (else the test shows nothing)
    assert want["sections"] != view(build.root / "bfd" / (name + ".plain"))["sections"] or \
        want["symbols"] != view(build.root / "bfd" / (name + ".plain"))["symbols"]
    if runs:
        r_bfd = run(build.root / "bfd" / name, libdir and build.root / "bfd")
        r_braze = run(build.root / "braze" / name, libdir and build.root / "braze")
        assert r_bfd[0] == status and r_braze == r_bfd


C_FUNCS = ("zz_fn", "aa_fn", "mm_fn", "dd_fn", "main", "bb_fn", "ba_fn", "ff_fn", "name_of", "early")


@pytest.mark.parametrize("kind", ["name", "alignment"])
@pytest.mark.parametrize("mode", ["pie", "no-pie", "static"])
def test_c_program(build, mode, kind):
    objs = [build.obj("a.c", A_C, "gcc"), build.obj("b.c", B_C, "gcc")]
    flags = {"pie": [], "no-pie": ["-no-pie"], "static": ["-static"]}[mode]
    compare(build, f"c-{mode}-{kind}", ["gcc", *flags, *objs], C_FUNCS)


@pytest.mark.parametrize("kind", ["name", "alignment"])
def test_shared_library(build, kind):
    lib = build.obj("lib.c", LIB_C, "gcc", "-fPIC", "-fvisibility=hidden")
    name = f"libsort-{kind}"
    compare(build, name, ["gcc", "-shared", lib], ("bb_fn", "ba_fn", "ff_fn", "name_of", "lib_fn"), runs=False)
    # a program (linked by bfd against each library) runs the same with either
    main = build.obj("libmain.c", LIB_MAIN_C, "gcc")
    outs = []
    for linker in ("bfd", "braze"):
        d = build.root / linker
        so = d / "libsort.so"
        so.write_bytes((d / name).read_bytes())
        exe = d / f"libmain-{kind}"
        build.run(["gcc", "-fuse-ld=bfd", main, "-L", d, "-lsort", "-o", exe])
        outs.append(run(exe, d))
    assert outs[0][0] == 0 and outs[1] == outs[0]


@pytest.mark.parametrize("kind", ["name", "alignment"])
@pytest.mark.parametrize("mode", ["pie", "static"])
def test_cxx_program(build, mode, kind):
    obj = build.obj("prog.cc", CXX, "g++")
    # (bfd's static program sorted by alignment aborts at its throw: crtbeginT.o's empty .eh_frame,
    # whose __EH_FRAME_BEGIN__ libgcc registers as the start of the FDEs, no longer comes first)
    status = -6 if (mode, kind) == ("static", "alignment") else 0
    compare(build, f"cxx-{mode}-{kind}", ["g++", *(["-static"] if mode == "static" else []), obj], ("main",),
            status=status)


@pytest.mark.parametrize("kind", ["name", "alignment"])
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_script(build, direct_ld, script, kind):
    d = build.root / "scripts"
    d.mkdir(exist_ok=True)
    for n, text in (("c", C_S), ("d", D_S)):
        (d / f"{n}.s").write_text(text)
        build.run(["as", f"{n}.s", "-o", f"{n}.o"], cwd=d)
    (d / f"{script}.ld").write_text(SCRIPTS[script])
    views = []
    for linker in (["ld.bfd"], list(direct_ld)):
        out = d / f"{script}-{kind}-{len(views)}"
        build.run([*linker, "-T", f"{script}.ld", "c.o", "d.o", f"--sort-section={kind}", "-o", out.name], cwd=d)
        views.append(view(out))
    assert differences(views[0], views[1]) == {}
    plain = d / f"{script}-plain"
    p = build.run(["ld.bfd", "-T", f"{script}.ld", "c.o", "d.o", "-o", plain.name], cwd=d, check=False)
    if script == "mixed":
        # (bfd 2.40 without the option: SORT(*) of file names over unsorted section patterns is an
        # internal error in its compare_section; with --sort-section the patterns are sorted)
        assert p.returncode != 0 and "internal error" in p.stderr
    else:
        assert p.returncode == 0
        assert view(plain)["symbols"] != views[0]["symbols"]
        if script == "bare":
            # d.o's sections, taken by its name alone, in the file's order as without the option
            assert {r for r in view(plain)["symbols"] if r[-1].startswith("d_")} == \
                {r for r in views[0]["symbols"] if r[-1].startswith("d_")}


def _refused(build, cmd, message):
    d = build.root / "braze"
    d.mkdir(exist_ok=True)
    out = d / "refused.out"
    p = build.run([cmd[0], f"-B{build.lddir}/", *map(str, cmd[1:]), "-o", out], cwd=d, check=False)
    assert p.returncode != 0 and "braze: error: " in p.stderr and message in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert not out.exists()


def test_refused(build):
    objs = [build.obj("a.c", A_C, "gcc"), build.obj("b.c", B_C, "gcc")]
    # -r: braze's relocatable link does not take the option
    _refused(build, ["gcc", "-r", *objs, "-Wl,--sort-section=name"], "--sort-section with -r is not supported")
    # COMMON symbols: bfd sorts each file's COMMON section among the other inputs
    com = build.obj("com.c", "int com_a; double com_b;\n", "gcc", "-fcommon")
    _refused(build, ["gcc", *objs, com, "-Wl,--sort-section=alignment"], "COMMON symbol com_b with --sort-section is not supported")
    _refused(build, ["gcc", *objs, "-Wl,--sort-section=size"], "invalid section sorting option: size")


@pytest.mark.parametrize("kind", ["name", "alignment"])
def test_aarch64_program(build, kind):
    """The same program for aarch64 (its default script through the same engine; not run here)."""
    cc = "aarch64-linux-gnu-gcc"
    objs = [build.obj("a64a.c", A_C, cc), build.obj("a64b.c", B_C, cc)]
    compare(build, f"a64-{kind}", [cc, *objs], C_FUNCS, runs=False)
