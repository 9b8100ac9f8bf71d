"""aarch64 STT_SECTION symbols in .dynsym, against aarch64 ld.bfd (cross gcc, run under qemu-aarch64).

A PIC output (PIE, -shared, -static-pie) with dynamic relocations outside .rela.plt gets bfd's
section symbols after the null entry: the first read-only and the first writable allocated
PROGBITS/NOBITS output section bfd did not make itself (not .interp, .plt, .got, .got.plt,
.data.rel.ro), a thread-local one only when nothing else qualifies; one symbol when no writable
section qualifies. braze wrote none, so .dynsym, .dynstr's successors and every later address of an
aarch64 PIE differed from bfd's. Compared: each section symbol (index, section, value = the
section's address), .dynsym's sh_info, and where nothing else differs the allocated sections
(name, type, address, size); programs and libraries run under qemu.

And .symtab: aarch64 bfd's final links start it with an STT_SECTION symbol per output section
(its target vector keeps unused section symbols; x86-64's does not, so only --emit-relocs writes
them there), whatever -x/-X/--retain-symbols-file drop; braze wrote none.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import tool_env

HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
CXX = r"""#include <cstdio>
#include <stdexcept>
struct B { virtual int v() { return 1; } virtual ~B() {} };
struct D : B { int v() override { return 2; } };
int main(int argc, char **) {
  B *b = argc > 5 ? new B : new D;
  try { if (b->v() == 2) throw std::runtime_error("thrown"); } catch (std::exception &e) { printf("caught %s\n", e.what()); }
  delete b;
  return 0;
}
"""
LIB = "int g = 5;\nint *pg = &g;\nint f(int x) { return x + *pg; }\n"
LIB_MAIN = '#include <stdio.h>\nint f(int);\nint main(void) { printf("%d\\n", f(2)); return 0; }\n'
# -nostdlib libraries, one rule each (the layout around them is not compared: bfd pads their .dynamic)
BARE = {
    "no-relocs": "int f(int x) { return x + 1; }\n",
    "plt-only": "extern int ext(int);\nint f(int x) { return ext(x); }\n",                  # JUMP_SLOT only
    "text-only": "extern int e;\nint *get(void) { return &e; }\n",                          # no writable section
    "tdata": "__thread int t = 3;\nint *pt(void) { return &t; }\nextern int e;\nint *get(void) { return &e; }\n",
    "tdata-bss": "__thread int t = 3;\nint *pt(void) { return &t; }\nint z;\n"
                 "extern int e;\nint *get(void) { return &e; }\n",
    "tbss-orphan": "__thread int t;\nint *pt(void) { return &t; }\n"
                   "__attribute__((section(\".mydata\"))) int md = 1;\nextern int e;\nint *get(void) { return &e; }\n",
    "relro-bss": "static int x;\nint *const p = &x;\nint f(void) { return *p; }\n",
}


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _run(cmd, cwd, env=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {cmd}\n{p.stdout}{p.stderr}"
    return p


def _ld(linker: str, lddir: str) -> list:
    return ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]


def view(path: Path) -> dict:
    sh = H.readelf(["-S"], str(path))
    secs = {}
    alloc = []
    for m in re.finditer(r"\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16}) [0-9a-f]{6} ([0-9a-f]{6}) \S+ +(\S*)"
                         r"\s+\d+\s+(\d+)", sh):
        secs[int(m.group(1))] = (m.group(2), int(m.group(4), 16), int(m.group(7)))
        if "A" in m.group(6):
            alloc.append(m.group(2, 3, 4, 5))
    dynsym = [s for s in secs.values() if s[0] == ".dynsym"]
    sect = []
    for l in H.readelf(["--dyn-syms"], str(path)).splitlines():
        f = l.split()
        if len(f) >= 7 and f[0].endswith(":") and f[3] == "SECTION":
            name, addr, _ = secs[int(f[6])]
            sect.append((int(f[0][:-1]), f[4], name, int(f[1], 16) == addr))
    return {"sect": sect, "info": dynsym[0][2] if dynsym else None, "alloc": alloc}


def _qemu(exe: Path, libdir: Path | None = None):
    env = ["-E", f"LD_LIBRARY_PATH={libdir}"] if libdir else []
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, *env, str(exe)], cwd=exe.parent, env=tool_env(),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def _compare(outs: dict, layout: bool, want: list):
    vb, vt = view(outs["bfd"]), view(outs["braze"])
    assert [s[2] for s in vb["sect"]] == want, vb       # the harness reaches the case it is about
    assert all(s[3] for s in vb["sect"]), vb
    assert vt["sect"] == vb["sect"]
    assert vt["info"] == vb["info"]
    if layout:
        assert vt["alloc"] == vb["alloc"], f"sections differ\nbfd:  {vb['alloc']}\ntest: {vt['alloc']}"


# name: (source, C++, link flags, bfd's section symbols)
PROGRAMS = {
    "pie": (HELLO, False, ["-pie"], [".init", ".data"]),
    "pie-z-now": (HELLO, False, ["-pie", "-Wl,-z,now"], [".init", ".data"]),
    "cxx-eh": (CXX, True, ["-pie"], [".init", ".data"]),      # .data.rel.ro (vtables) is bfd's own: skipped
    "nopie": (HELLO, False, ["-no-pie"], []),
    "static-pie": (HELLO, False, ["-static-pie"], [".init", ".data"]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program(tmp_path, braze_lddir, name):
    src, cxx, flags, want = PROGRAMS[name]
    cc = H.PREFIX + ("g++" if cxx else "gcc")
    (tmp_path / ("m.cc" if cxx else "m.c")).write_text(src)
    _run([cc, "-c", "-O1", "-fPIE", "m.cc" if cxx else "m.c", "-o", "m.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"p-{linker}"
        _run([cc, *_ld(linker, braze_lddir), *flags, "m.o", "-o", outs[linker]], tmp_path)
    rb = _qemu(outs["bfd"])
    assert rb[0] == 0 and rb[1], rb
    assert _qemu(outs["braze"]) == rb
    # (-static-pie: its .got and .rela.dyn differ from bfd's, a known difference)
    _compare(outs, name != "static-pie", want)


def test_default_script(tmp_path, braze_lddir):
    """A PIE with bfd's own default script given with -T (the SECTIONS engine's layout)."""
    verbose = _run(["aarch64-linux-gnu-ld.bfd", "--verbose"], tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    (tmp_path / "default.ld").write_text("\n".join(verbose[marks[0] + 1:marks[1]]) + "\n")
    (tmp_path / "m.c").write_text(HELLO)
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIE", "m.c", "-o", "m.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"p-{linker}"
        _run([H.PREFIX + "gcc", *_ld(linker, braze_lddir), "-pie", "m.o", "-Wl,-T,default.ld", "-o",
              outs[linker]], tmp_path)
    assert _qemu(outs["braze"]) == _qemu(outs["bfd"]) == (0, "hello\n", "")
    _compare(outs, True, [".init", ".data"])


@pytest.mark.parametrize("hash_style", ["gnu", "both", "sysv", "both-O1"])
def test_shared_library(tmp_path, braze_lddir, hash_style):
    """A library with a data pointer (a RELATIVE and a GLOB_DAT relocation), loaded by a bfd-linked
    program; .hash has the section symbols' indices in no chain. -O1 (60 more functions): bfd's
    optimized bucket counts, the hashed symbols after the section symbols."""
    opt = hash_style.endswith("-O1")
    hash_style = hash_style.removesuffix("-O1")
    (tmp_path / "lib.c").write_text(LIB + "".join(f"int fn{i}(int x) {{ return x + {i}; }}\n" for i in range(60))
                                    * opt)
    (tmp_path / "main.c").write_text(LIB_MAIN)
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIC", "lib.c", "-o", "lib.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        d = tmp_path / linker
        d.mkdir()
        outs[linker] = d / "libl.so"
        _run([H.PREFIX + "gcc", *_ld(linker, braze_lddir), "-shared", f"-Wl,--hash-style={hash_style}",
              *(["-Wl,-O1"] if opt else []), tmp_path / "lib.o", "-o", outs[linker]], d)
        _run([H.PREFIX + "gcc", "-fuse-ld=bfd", tmp_path / "main.c", f"-L{d}", "-ll", "-o", d / "prog"], d)
    rb = _qemu(outs["bfd"].parent / "prog", outs["bfd"].parent)
    assert rb == (0, "7\n", ""), rb
    assert _qemu(outs["braze"].parent / "prog", outs["braze"].parent) == rb
    _compare(outs, True, [".init", ".data"])
    if hash_style != "gnu":
        hb, ht = _sysv_hash(outs["bfd"]), _sysv_hash(outs["braze"])
        assert hb[2:] == ([0, 0], False), hb       # (the section symbols: 1 and 2)
        assert ht == hb


def _sysv_hash(path: Path) -> tuple:
    """.hash's nbucket and nchain, the section symbols' chain words, whether a bucket names one."""
    sh = H.readelf(["-S"], str(path))
    m = re.search(r"\]\s+\.hash\s+\S+\s+[0-9a-f]{16} ([0-9a-f]{6}) ([0-9a-f]{6})", sh)
    blob = path.read_bytes()[int(m.group(1), 16):][:int(m.group(2), 16)]
    words = [int.from_bytes(blob[i:i + 4], "little") for i in range(0, len(blob), 4)]
    nb, nc = words[0], words[1]
    buckets, chain = words[2:2 + nb], words[2 + nb:]
    return nb, nc, chain[1:3], any(b in (1, 2) for b in buckets)


BARE_WANT = {"no-relocs": [], "plt-only": [], "text-only": [".text"], "tdata": [".text", ".tdata"],
             "tdata-bss": [".text", ".bss"], "tbss-orphan": [".text", ".mydata"], "relro-bss": [".text", ".bss"]}


@pytest.mark.parametrize("name", sorted(BARE))
def test_bare_library(tmp_path, braze_lddir, name):
    (tmp_path / "l.c").write_text(BARE[name])
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIC", "l.c", "-o", "l.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"l-{linker}.so"
        _run([H.PREFIX + "gcc", *_ld(linker, braze_lddir), "-shared", "-nostdlib", "l.o", "-o", outs[linker]],
             tmp_path)
    _compare(outs, False, BARE_WANT[name])


SYMTAB_LINKS = {
    "static": ["-static"], "pie-g": ["-pie", "-g"], "pie-strip-debug": ["-pie", "-g", "-Wl,-S"],
    "shared": ["-shared", "-fPIC"], "discard-all": ["-pie", "-Wl,-x"],
    "retain": ["-pie", "-Wl,--retain-symbols-file=keep.txt"], "x86-64-pie": ["-pie"],
}


def _symtab_sections(path: Path, readelf: str) -> list:
    """.symtab's STT_SECTION rows (index, value, section index)."""
    text = subprocess.run([readelf, "-W", "-s", str(path)], capture_output=True, text=True,
                          env=tool_env()).stdout
    text = text[text.index("'.symtab'"):]
    rows = [l.split() for l in text.splitlines() if re.match(r"\s+\d+:", l)]
    sect = [(int(f[0][:-1]), f[1], f[6]) for f in rows if f[3] == "SECTION"]
    return sect


@pytest.mark.parametrize("name", sorted(SYMTAB_LINKS))
def test_symtab_section_symbols(tmp_path, braze_lddir, name):
    x86 = name.startswith("x86")
    cc, readelf = ("gcc", "readelf") if x86 else (H.PREFIX + "gcc", H.PREFIX + "readelf")
    (tmp_path / "m.c").write_text(HELLO)
    (tmp_path / "keep.txt").write_text("main\n")
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"p-{linker}"
        _run([cc, *_ld(linker, braze_lddir), *SYMTAB_LINKS[name], "m.c", "-o", outs[linker]], tmp_path)
    sb, st = _symtab_sections(outs["bfd"], readelf), _symtab_sections(outs["braze"], readelf)
    nsec = len(re.findall(r"^\s+\[\s*\d+\]", H.readelf(["-S"], str(outs["bfd"])), re.M))
    # the harness sees bfd's rule: all but section 0, .symtab, .strtab and .shstrtab, right after the null entry
    assert [i for i, _v, _n in sb] == ([] if x86 else list(range(1, nsec - 3))), sb
    assert st == sb
    if name != "shared":
        run = ([] if x86 else [H.QEMU, "-L", H.SYSROOT])
        for p in outs.values():
            r = subprocess.run([*run, str(p)], capture_output=True, text=True, env=tool_env(), timeout=120)
            assert (r.returncode, r.stdout) == (0, "hello\n")
