"""A library's own IFUNC under -Bsymbolic, -Bsymbolic-functions and a dynamic list, against ld.bfd.

x86-64 bfd keeps such an IFUNC preemptible for its PLT entry (a JUMP_SLOT) and for data pointers
(R_X86_64_64 against the symbol), but a GOT slot of an IFUNC that has no PLT entry binds in the
library (SYMBOL_REFERENCES_LOCAL): an IRELATIVE relocation instead of a GLOB_DAT. braze gave the slot
a GLOB_DAT, so a program defining the same name interposed on the library's `&fif` (with a dynamic
list or -Bsymbolic-functions the library's function pointer was the program's function).
Compared: the library's relocations naming the IFUNC and its IRELATIVE count, and the run's output
of a program that defines its own `fif` (and `plain`, a plain function bound in the library)."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = r"""
static int impl(int v) { return v + 1000; }
static void *resolve(void) { return (void *)impl; }
int fif(int) __attribute__((ifunc("resolve")));
int plain(int v) { return v + 1; }
typedef int (*fp)(int);
fp lib_plain(void) { return plain; }
#ifdef GOT
fp lib_fif(void) { return fif; }            /* a GOT load */
#else
fp lib_fif(void) { return 0; }
#endif
#ifdef DATA
fp ptr = fif;                               /* a data pointer (R_X86_64_64) */
fp lib_ptr(void) { return ptr; }
#else
fp lib_ptr(void) { return 0; }
#endif
#ifdef CALL
int lib_call(int v) { return fif(v) + 1; }  /* a call: PLT32, or a GOT call with -fno-plt */
#else
int lib_call(int v) { return -1; }
#endif
"""

MAIN = r"""
#include <stdio.h>
typedef int (*fp)(int);
fp lib_fif(void), lib_plain(void), lib_ptr(void);
int lib_call(int);
int fif(int v) { return v + 2000; }         /* the program's own definitions: do they interpose? */
int plain(int v) { return v + 2; }
int main(void) {
  fp f = lib_fif(), p = lib_ptr();
  printf("got %d data %d call %d plain %d eq %d\n", f ? f(1) : -1, p ? p(1) : -1, lib_call(1),
         lib_plain()(1), f == (fp)fif);
  return 0;
}
"""

VARIANTS = {"got": (["-DGOT"], []), "got-data": (["-DGOT", "-DDATA"], []), "got-call": (["-DGOT", "-DCALL"], []),
            "got-noplt-call": (["-DGOT", "-DCALL"], ["-fno-plt"]), "data-call": (["-DDATA", "-DCALL"], [])}
FLAGS = {"default": [], "Bsymbolic": ["-Wl,-Bsymbolic"], "Bsymbolic-functions": ["-Wl,-Bsymbolic-functions"],
         "dynlist": ["-Wl,--dynamic-list=unlisted.txt"], "dynlist-fif": ["-Wl,--dynamic-list=fif.txt"]}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("ifuncsymgot"), braze_lddir)
    (b.root / "lib.c").write_text(LIB)
    (b.root / "main.c").write_text(MAIN)
    (b.root / "unlisted.txt").write_text("{ other; };\n")
    (b.root / "fif.txt").write_text("{ fif; };\n")
    b.run(["gcc", "-O2", "-c", "main.c", "-o", "main.o"])
    for v, (defs, cflags) in VARIANTS.items():
        b.run(["gcc", "-O2", "-fPIC", *cflags, *defs, "-c", "lib.c", "-o", f"lib-{v}.o"])
    return b


def _relocs(path):
    """The library's dynamic relocations naming fif, and its IRELATIVE ones, by type."""
    out = []
    for line in subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True, env=tool_env(),
                               check=True).stdout.splitlines():
        f = line.split()
        if len(f) >= 5 and f[2].startswith("R_X86_64_") and f[4] == "fif":
            out.append((f[2], "fif"))
        elif len(f) >= 3 and f[2] == "R_X86_64_IRELATIVE":
            out.append((f[2], ""))
    return sorted(out)


@pytest.mark.parametrize("flag", sorted(FLAGS))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_library_ifunc_got_binding_vs_bfd(work, variant, flag):
    runs, rels = [], []
    for linker in ("bfd", "test"):
        d = work.root / f"{variant}-{flag}-{linker}"
        d.mkdir(exist_ok=True)
        work.run(["gcc", *work.ld(linker), "-shared", *FLAGS[flag], f"lib-{variant}.o", "-o", d / "libl.so"])
        work.run(["gcc", *work.ld(linker), "main.o", "-L", d, "-ll", f"-Wl,-rpath,{d}", "-o", d / "prog"])
        runs.append(subprocess.run([str(d / "prog")], capture_output=True, text=True))
        rels.append(_relocs(d / "libl.so"))
    assert runs[0].returncode == 0 and runs[0].stdout.startswith("got ")
    if variant == "got" and flag in ("dynlist", "Bsymbolic-functions"):
        # (the case this covers: bfd's GOT slot binds in the library, the program does not interpose)
        assert "got 1001 " in runs[0].stdout and ("R_X86_64_IRELATIVE", "") in rels[0]
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    assert rels[1] == rels[0]
