"""aarch64: bfd's `$x` mapping symbol at the start of its PLT, and PLT0 in -static-pie (against aarch64
ld.bfd, cross gcc, programs run under qemu-aarch64).

Found by building zlib, bzip2 and lua for aarch64 with both linkers: every output with a `.plt`
(PIE, non-PIE, -shared) had one local symbol less in braze's `.symtab`: aarch64 bfd writes a
`$x` NOTYPE local at the address of its `.plt` input (PLT0) as the last local, after the veneers'
symbols, also with -x and --retain-symbols-file; not for a static link's IFUNC stubs (`.iplt`).
And in -static-pie, bfd puts the IFUNC entries in its `.plt` after a PLT0 (their `.got.plt`
slots start as PLT0's address); braze wrote them without PLT0 (a `.plt` 32 bytes shorter).
And with -z now (bfd's one `.got`: `.got.plt`'s words, then `.got`'s), aarch64 bfd's
_GLOBAL_OFFSET_TABLE_ is the start of its `.got` input (whose first word is _DYNAMIC's link-time
address), after `.got.plt`'s words; braze gave the output section's start, so a program reading
`_GLOBAL_OFFSET_TABLE_[0]` (glibc's old way to find _DYNAMIC) read 0 instead.
And in a -shared library, bfd counts an R_AARCH64_ABS64 against a function a shared library
defines (sqlite's table of system calls: `(void *)close`) as a PLT reference, as in executables: the
function gets a (never called) PLT entry and JUMP_SLOT; braze gave it none, so every address after
`.plt` in libsqlite3.so differed (40 entries).
Compared: the local symbols of `.symtab` in order (name, type, section, value), `.plt`'s size,
the runs.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import tool_env

HELLO = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
IFUNC = r"""#include <stdio.h>
static int impl(void) { return 42; }
static void *resolve(void) { return (void *)impl; }
int f(void) __attribute__((ifunc("resolve")));
int main(void) { printf("%d\n", f()); return 0; }
"""
LIB = '#include <stdio.h>\n#include <string.h>\nint say(const char *s) { return puts(s) + (int)strlen(s); }\n'
LIB_MAIN = '#include <stdio.h>\nint say(const char *);\nint main(void) { printf("%d\\n", say("x")); return 0; }\n'
FAR = ".text\n.zero 0x8100000\n.globl far\n.type far,%function\nfar: ret\n"
FAR_MAIN = '#include <stdio.h>\nvoid far(void);\nint main(void) { far(); puts("far"); return 0; }\n'


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {cmd}\n{p.stdout}{p.stderr}"
    return p


def _qemu(exe: Path, libdir: Path | None = None):
    env = ["-E", f"LD_LIBRARY_PATH={libdir}"] if libdir else []
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, *env, str(exe)], cwd=exe.parent, env=tool_env(),
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def _sections(path: Path) -> dict:
    secs = {}
    for m in re.finditer(r"\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]{16}) [0-9a-f]{6} ([0-9a-f]{6})",
                         H.readelf(["-S"], str(path))):
        secs[m.group(1)] = (m.group(2), int(m.group(3), 16), int(m.group(4), 16))
    return secs


def _locals(path: Path) -> list:
    """.symtab's local symbols in order: (name, type, section name, value)."""
    secs = _sections(path)
    out = []
    text = H.readelf(["-s"], str(path))
    text = text[text.index("'.symtab'"):]
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 7 and f[0].endswith(":") and f[4] == "LOCAL":
            sec = secs[f[6]][0] if f[6] in secs else f[6]
            out.append((f[7] if len(f) > 7 else "", f[3], sec, int(f[1], 16)))
    return out


def _plt(path: Path):
    return next(((a, s) for n, a, s in _sections(path).values() if n == ".plt"), None)


def _link(tmp_path, sources: dict, flags: list, lddir: str) -> dict:
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
        _run([H.PREFIX + "gcc", "-c", "-O1", name, "-o", name + ".o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"p-{linker}"
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
        _run([H.PREFIX + "gcc", *how, *flags, *[n + ".o" for n in sources], "-o", outs[linker]], tmp_path)
    return outs


# name: (sources, link flags, expected output, bfd writes the PLT's $x)
PROGRAMS = {
    "pie": ({"m.c": HELLO}, ["-pie"], "hello\n", True),
    "nopie": ({"m.c": HELLO}, ["-no-pie"], "hello\n", True),
    "pie-z-now": ({"m.c": HELLO}, ["-pie", "-Wl,-z,now"], "hello\n", True),
    "discard-all": ({"m.c": HELLO}, ["-pie", "-Wl,-x"], "hello\n", True),
    "retain": ({"m.c": HELLO}, ["-pie", "-Wl,--retain-symbols-file=keep.txt"], "hello\n", True),
    "ifunc-pie": ({"m.c": IFUNC}, ["-pie"], "42\n", True),
    "ifunc-static": ({"m.c": IFUNC}, ["-static"], "42\n", False),     # .iplt only: no $x
    "veneer": ({"m.c": FAR_MAIN, "far.s": FAR}, ["-pie"], "far\n", True),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program(tmp_path, braze_lddir, name):
    sources, flags, want, has_x = PROGRAMS[name]
    (tmp_path / "keep.txt").write_text("main\n")
    outs = _link(tmp_path, sources, flags, braze_lddir)
    assert _qemu(outs["bfd"]) == (0, want, "")
    assert _qemu(outs["braze"]) == (0, want, "")
    lb, lt = _locals(outs["bfd"]), _locals(outs["braze"])
    plt = _plt(outs["bfd"])
    assert (lb[-1] == ("$x", "NOTYPE", ".plt", plt[0])) == has_x, lb[-3:]     # the case is the one meant
    if name == "veneer":
        assert [s[0] for s in lb[-4:]] == ["$x", "__far_veneer", "$x", "$x"], lb[-4:]
    if "static" in name:
        # (a static link's .symtab has other known differences; only the PLT's $x is compared)
        assert not any(s[0] == "$x" and s[2] == ".plt" and s[3] == plt[0] for s in lt + lb)
    else:
        assert lt == lb
    assert _plt(outs["braze"]) == plt


def test_shared_library(tmp_path, braze_lddir):
    """A -shared library calling libc through its PLT, loaded by a bfd-linked program."""
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "main.c").write_text(LIB_MAIN)
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIC", "lib.c", "-o", "lib.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        d = tmp_path / linker
        d.mkdir()
        outs[linker] = d / "libl.so"
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        _run([H.PREFIX + "gcc", *how, "-shared", tmp_path / "lib.o", "-o", outs[linker]], d)
        _run([H.PREFIX + "gcc", "-fuse-ld=bfd", tmp_path / "main.c", f"-L{d}", "-ll", "-o", d / "prog"], d)
    rb = _qemu(outs["bfd"].parent / "prog", outs["bfd"].parent)
    assert rb == (0, "x\n3\n", ""), rb
    assert _qemu(outs["braze"].parent / "prog", outs["braze"].parent) == rb
    lb, lt = _locals(outs["bfd"]), _locals(outs["braze"])
    assert lb[-1][:3] == ("$x", "NOTYPE", ".plt"), lb[-3:]
    # (a library's forced-local symbols, _init and _fini, are in bfd's hash-table order: known)
    assert lt[-1] == lb[-1] and sorted(lt) == sorted(lb)


def test_static_pie_plt0(tmp_path, braze_lddir):
    """-static-pie with IFUNCs (glibc's own and the program's): bfd's PLT0 before the entries, whose
    .got.plt slots start as PLT0's address; `$x` at PLT0. (The layout around .plt differs from bfd's:
    its .rela.dyn has two more R_AARCH64_NONE entries, a known difference.)"""
    outs = _link(tmp_path, {"m.c": IFUNC}, ["-static-pie"], braze_lddir)
    assert _qemu(outs["bfd"]) == _qemu(outs["braze"]) == (0, "42\n", "")
    got = {}
    for linker, path in outs.items():
        plt = _plt(path)
        gotplt = next((a, s) for n, a, s in _sections(path).values() if n == ".got.plt")
        off = int(re.search(r"\]\s+\.got\.plt\s+\S+\s+[0-9a-f]{16} ([0-9a-f]{6})",
                            H.readelf(["-S"], str(path))).group(1), 16)
        raw = path.read_bytes()[off:off + gotplt[1]]
        slots = [int.from_bytes(raw[i:i + 8], "little") for i in range(24, gotplt[1], 8)]
        last = _locals(path)[-1]
        got[linker] = (plt[1], [s - plt[0] for s in slots], last[:3], last[3] - plt[0])
    assert got["bfd"][1] and set(got["bfd"][1]) == {0}, got["bfd"]
    assert got["bfd"][2:] == (("$x", "NOTYPE", ".plt"), 0), got["bfd"]
    assert got["braze"] == got["bfd"]


GOTSYM = r"""#include <stdio.h>
extern const unsigned long _GLOBAL_OFFSET_TABLE_[] __attribute__((visibility("hidden")));
extern char _DYNAMIC[] __attribute__((visibility("hidden")));
extern char __ehdr_start[] __attribute__((visibility("hidden")));
int main(void) {
  printf("%d %ld\n", _GLOBAL_OFFSET_TABLE_[0] == (unsigned long)(_DYNAMIC - __ehdr_start) + BASE,
         (long)((const char *)_GLOBAL_OFFSET_TABLE_ - _DYNAMIC));
  return 0;
}
"""


@pytest.mark.parametrize("flags", [["-pie"], ["-pie", "-Wl,-z,now"], ["-no-pie", "-Wl,-z,now"],
                                   ["-no-pie"], ["-pie", "-Wl,-z,now", "-Wl,-z,norelro"]])
def test_got_symbol(tmp_path, braze_lddir, flags):
    """_GLOBAL_OFFSET_TABLE_ referenced (its word 0: _DYNAMIC's link-time address) and not."""
    base = "0x400000" if "-no-pie" in flags else "0"
    outs = _link(tmp_path, {"m.c": GOTSYM.replace("BASE", base)}, flags, braze_lddir)
    rb = _qemu(outs["bfd"])
    assert rb[0] == 0 and rb[1].startswith("1 "), rb
    assert _qemu(outs["braze"]) == rb
    # (the referenced linker-made symbols, made local, are in bfd's hash-table order: known)
    assert sorted(_locals(outs["braze"])) == sorted(_locals(outs["bfd"]))
    hello = _link(tmp_path, {"h.c": HELLO}, flags, braze_lddir)
    lb = _locals(hello["bfd"])
    assert any(s[0] == "_GLOBAL_OFFSET_TABLE_" for s in lb)
    assert _locals(hello["braze"]) == lb


def test_got_symbol_shared(tmp_path, braze_lddir):
    """-shared -z now: the library's unreferenced _GLOBAL_OFFSET_TABLE_ local (SHN_ABS in PIC)."""
    (tmp_path / "lib.c").write_text(LIB)
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIC", "lib.c", "-o", "lib.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        outs[linker] = tmp_path / f"l-{linker}.so"
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        _run([H.PREFIX + "gcc", *how, "-shared", "-Wl,-z,now", "lib.o", "-o", outs[linker]], tmp_path)
    lb = _locals(outs["bfd"])
    assert any(s[0] == "_GLOBAL_OFFSET_TABLE_" for s in lb)
    assert sorted(_locals(outs["braze"])) == sorted(lb)


FPTRS = r"""#include <unistd.h>
#include <math.h>
extern int ext_data;
extern int ext_fn(void);
int local_fn(void) { return 7; }
int data = 3;
static double twice(double x) { return 2 * x; }
void *tbl[] = { (void *)getpid, (void *)sqrt, (void *)&data, (void *)local_fn, (void *)twice, (void *)close };
double call_sqrt(double x) { return ((double (*)(double))tbl[1])(x); }
"""
FPTRS_MAIN = r"""#include <stdio.h>
extern void *tbl[];
double call_sqrt(double);
int main(void) { printf("%g %d %d\n", call_sqrt(16.0), ((int (*)(void))tbl[3])(), *(int *)tbl[2]); return 0; }
"""


def _alloc_sections(path: Path) -> list:
    return [v for v in _sections(path).values() if v[1]]


def _jump_slots(path: Path) -> list:
    return sorted(l.split()[4] for l in H.readelf(["-r"], str(path)).splitlines() if "JUMP_SLOT" in l)


@pytest.mark.parametrize("z", ["lazy", "now"])
def test_shared_abs64_function_plt(tmp_path, braze_lddir, z):
    """A library's data pointers to libc/libm functions: bfd's PLT entries for them (not for its own
    functions, nor for undefined ones or data)."""
    (tmp_path / "l.c").write_text(FPTRS)
    (tmp_path / "main.c").write_text(FPTRS_MAIN)
    _run([H.PREFIX + "gcc", "-c", "-O1", "-fPIC", "l.c", "-o", "l.o"], tmp_path)
    outs = {}
    for linker in ("bfd", "braze"):
        d = tmp_path / linker
        d.mkdir()
        outs[linker] = d / "libl.so"
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        _run([H.PREFIX + "gcc", *how, "-shared", f"-Wl,-z,{z}", tmp_path / "l.o", "-lm", "-o", outs[linker]], d)
        _run([H.PREFIX + "gcc", "-fuse-ld=bfd", tmp_path / "main.c", f"-L{d}", "-ll", "-o", d / "prog"], d)
    rb = _qemu(outs["bfd"].parent / "prog", outs["bfd"].parent)
    assert rb == (0, "4 7 3\n", ""), rb
    assert _qemu(outs["braze"].parent / "prog", outs["braze"].parent) == rb
    js = _jump_slots(outs["bfd"])
    assert {"close@GLIBC_2.17", "getpid@GLIBC_2.17", "sqrt@GLIBC_2.17"} <= set(js), js
    assert _jump_slots(outs["braze"]) == js
    assert _alloc_sections(outs["braze"]) == _alloc_sections(outs["bfd"])
