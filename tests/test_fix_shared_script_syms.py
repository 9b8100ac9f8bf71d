"""The default script's symbols in a shared library and under -E, against ld.bfd (x86-64, aarch64).

bfd's -shared script defines _etext, etext, __etext, _edata, edata, _end, end and __bss_start with
PROVIDE (aarch64 also __bss_start__, _bss_end__, __bss_end__, __end__): ordinary global definitions a
library that refers to one exports, and whose references stay preemptible (GLOB_DAT): Boehm GC's
libgc.so refers to _end so, and at run time gets the program's. It has no __executable_start, array
bounds or __tdata_start: a library's reference to those stays undefined (an import). braze bound
the library's references to its own addresses (no .dynsym entry, no dynamic relocation), and
defined the others locally. An executable under -E exports the PROVIDEd symbols it refers to
(etext, end, __executable_start ...), not just _edata/_end/__bss_start; __executable_start is
relative to the first section, and etext to the code it ends (aarch64: not the .rodata after it).

Compared: .dynsym's and .symtab's entries for the names (binding, visibility, section), the dynamic
relocations' types and symbols, under version scripts, -Bsymbolic and hidden/protected references;
and that a program linked with bfd against the library sees the same addresses through it."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness import link_in, tool_env

NAMES = ("_etext", "etext", "__etext", "_edata", "edata", "_end", "end", "__bss_start", "__executable_start",
         "__init_array_start", "__fini_array_end", "__preinit_array_start", "__tdata_start",
         "__bss_start__", "_bss_end__", "__bss_end__", "__end__")
LIB = """extern char _end[], _edata[], __bss_start[], etext[];
void *lib_end(void) { return _end; }
void *lib_edata(void) { return _edata; }
void *lib_etext(void) { return etext; }
void *lib_bss(void) { return __bss_start; }
"""
UNDEF = """extern char __executable_start[], __init_array_start[], __fini_array_end[], __preinit_array_start[],
  __tdata_start[];
void *u1(void) { return __executable_start; }
void *u2(void) { return __init_array_start; }
void *u3(void) { return __fini_array_end; }
void *u4(void) { return __preinit_array_start; }
void *u5(void) { return __tdata_start; }
"""
A64X = """extern char __bss_start__[], _bss_end__[], __bss_end__[], __end__[];
void *tab64[] = {__bss_start__, _bss_end__, __bss_end__, __end__};
"""
VIS = """extern char _end[] __attribute__((visibility("hidden")));
extern char __bss_start[] __attribute__((visibility("protected")));
void *h1(void) { return _end; }
void *h2(void) { return __bss_start; }
"""
MAIN = r"""#include <stdio.h>
extern char _end[], _edata[], __bss_start[], etext[];
void *lib_end(void), *lib_edata(void), *lib_etext(void), *lib_bss(void);
int main(void) {
  printf("%d %d %d %d\n", lib_end() == (void *)_end, lib_edata() == (void *)_edata,
         lib_etext() == (void *)etext, lib_bss() == (void *)__bss_start);
  return 0;
}
"""
EXE = """extern char _end[], _edata[], __bss_start[], etext[], _etext[], __etext[], end[], edata[],
  __executable_start[];
void *tab[] = {_end, _edata, __bss_start, etext, _etext, __etext, end, edata, __executable_start};
int main(void) { return tab[0] == 0; }
"""
MAPS = {"local.map": "{ global: lib_*; u*; local: *; };\n",
        "ver.map": "V1 { global: lib_*; u*; _end; etext; local: *; };\n",
        "all.map": "V1 { global: *; };\n"}
SO_CASES = {
    "plain": ["lib.o", "undef.o"],
    "local": ["lib.o", "-Wl,--version-script=local.map"],
    "ver": ["lib.o", "undef.o", "-Wl,--version-script=ver.map"],
    "all": ["lib.o", "-Wl,--version-script=all.map"],
    "symbolic": ["lib.o", "-Wl,-Bsymbolic"],
    "vis": ["lib.o", "vis.o"],
}


def _rows(path: Path) -> tuple:
    def rd(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    dyn = sorted(" ".join(f[4:8]) for f in (ln.split() for ln in rd("--dyn-syms").splitlines())
                 if len(f) == 8 and f[7].split("@")[0] in NAMES)
    sym = sorted(" ".join(f[4:8]) for f in (ln.split() for ln in rd("-s").splitlines())
                 if len(f) == 8 and f[7] in NAMES)
    rel = sorted(" ".join((f[2], f[4] if len(f) > 4 else "")) for f in (ln.split() for ln in rd("-r").splitlines())
                 if len(f) >= 3 and f[2].startswith("R_") and len(f) > 4 and f[4].split("@")[0] in NAMES)
    return dyn, sym, rel


def _setup(d: Path, cc: str, pic: str) -> None:
    for name, text in (("lib.c", LIB), ("undef.c", UNDEF), ("vis.c", VIS), ("a64x.c", A64X), ("main.c", MAIN),
                       ("exe.c", EXE)):
        (d / name).write_text(text)
        subprocess.run([cc, "-c", "-O2", pic, name], cwd=d, check=True, env=tool_env())
    for name, text in MAPS.items():
        (d / name).write_text(text)


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("shared_script_syms")
    _setup(d, "gcc", "-fPIC")
    return d


@pytest.mark.parametrize("case", list(SO_CASES))
def test_shared_library_script_symbols(srcdir, braze_lddir, case):
    name = f"lib{case}.so"
    ref = link_in(srcdir, None, name, ["-shared", *SO_CASES[case]])
    got = link_in(srcdir, braze_lddir, name, ["-shared", *SO_CASES[case]])
    assert _rows(got) == _rows(ref)
    # the program (linked with bfd against bfd's library) sees through each library what bfd's does
    # (with undef.o neither loads: the loader does not find __executable_start and the others)
    exe = srcdir / f"main-{case}"
    subprocess.run(["gcc", "main.o", f"-L{ref.parent}", f"-l{case}", "-o", str(exe)], cwd=srcdir, check=True,
                   env=tool_env())
    runs = [subprocess.run([str(exe)], capture_output=True, text=True, env=tool_env({"LD_LIBRARY_PATH": str(p.parent)}))
            for p in (ref, got)]
    assert [(r.returncode, r.stdout) for r in runs[1:]] == [(r.returncode, r.stdout) for r in runs[:1]]
    assert ("undef.o" in SO_CASES[case]) == (runs[0].returncode != 0)


@pytest.mark.parametrize("mode", [["-rdynamic"], ["-rdynamic", "-no-pie"], [], ["-static"], ["-static-pie"]],
                         ids=["E", "E-no-pie", "pie", "static", "static-pie"])
def test_executable_script_symbols(srcdir, braze_lddir, mode):
    name = "exe-" + "-".join(m.strip("-") for m in mode)
    ref = link_in(srcdir, None, name, [*mode, "exe.o"])
    got = link_in(srcdir, braze_lddir, name, [*mode, "exe.o"])
    assert _rows(got) == _rows(ref)


@pytest.fixture(scope="module")
def a64dir(tmp_path_factory) -> Path:
    if not shutil.which("aarch64-linux-gnu-gcc"):
        pytest.fail("aarch64-linux-gnu-gcc is missing (gcc-aarch64-linux-gnu)")
    d = tmp_path_factory.mktemp("shared_script_syms_a64")
    _setup(d, "aarch64-linux-gnu-gcc", "-fPIC")
    return d


@pytest.mark.parametrize("args", [["-shared", "lib.o", "undef.o", "a64x.o"],
                                  ["-shared", "lib.o", "a64x.o", "-Wl,--version-script=local.map"],
                                  ["-rdynamic", "exe.o", "a64x.o"], ["exe.o", "a64x.o"], ["-static", "exe.o", "a64x.o"]],
                         ids=["so", "so-local", "E", "pie", "static"])
def test_a64_script_symbols(a64dir, braze_lddir, args):
    outs = []
    for lddir in (None, braze_lddir):
        d = a64dir / ("bfd" if lddir is None else "test")
        d.mkdir(exist_ok=True)
        out = d / ("lib.so" if "-shared" in args else "exe")
        cmd = ["aarch64-linux-gnu-gcc", *([f"-B{lddir}/"] if lddir else []), *args, "-o", str(out)]
        p = subprocess.run(cmd, cwd=a64dir, capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{cmd}: {p.stderr}"
        outs.append(_rows(out))
    assert outs[1] == outs[0]
