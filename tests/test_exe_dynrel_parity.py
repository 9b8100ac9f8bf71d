"""Dynamic relocations and symbols of non-PIE executables that reach library data and functions,
against ld.bfd.

- A weak library definition copied into the executable (glibc's `environ`): bfd's copy relocation
  names its global alias (`__environ`, bfd's weakdef), both names are exported, the other aliases
  (`_environ`) are not; braze named the weak one and exported every alias.
- A function whose address is taken both in code (a 32-bit absolute: canonical PLT entry) and in
  writable data: the data word holds the PLT entry's address, with no dynamic relocation (braze added
  an R_X86_64_64 for it); a function referenced only from data keeps its R_X86_64_64.
- Library data read directly by code (a copy relocation) whose address is also stored in writable
  data: the data word holds the copy's address, with no dynamic relocation (bfd drops a copied
  symbol's dynamic relocations; braze added an R_X86_64_64, as a C++ vtable of a class deriving from
  a libstdc++ stream gets); data referenced only from writable data keeps its R_X86_64_64.
- `-z pack-relative-relocs`: .dynamic as large as bfd's (bfd reserves DT_RELACOUNT's slot for the
  relative relocations it then moves to .relr.dyn).
Compared: the dynamic relocations as (type, symbol) multisets, the dynamic symbols by name, and the
program's output (which checks pointer equality between code and data)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = r"""
int lib_twice(int x) { return 2 * x; }
int lib_thrice(int x) { return 3 * x; }
int lib_data[4] = {1, 2, 3, 4};
int lib_only_data[2] = {5, 6};
"""
PROG = r"""
#include <stdio.h>
extern char **environ;
int lib_twice(int), lib_thrice(int);
int (*table[])(int) = {lib_twice, lib_thrice};     /* writable data */
extern int lib_data[4], lib_only_data[2];
int *ptrs[] = {lib_data + 1, lib_only_data + 1};   /* writable data */
int main(void)
{
    int (*volatile p)(int) = lib_twice;             /* -fno-pie: a 32-bit absolute in code */
    printf("%d %d %d %d\n", table[0](4), table[1](4), p == table[0], environ != 0 && environ[0] != 0);
    printf("%d %d %d\n", lib_data[2], *ptrs[0], *ptrs[1] + (ptrs[0] == &lib_data[1]));   /* lib_data: copied */
    return 0;
}
"""


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _view(path):
    rels = sorted((f[2], f[4].split("@")[0]) for f in (line.split() for line in _readelf(path, "-rW").splitlines())
                  if len(f) >= 5 and re.fullmatch(r"[0-9a-f]{16}", f[0]) and f[2].startswith("R_X86_64_")
                  and f[2] not in ("R_X86_64_JUMP_SLOT",))
    syms = sorted(line.split()[7] for line in _readelf(path, "--dyn-syms", "-W").splitlines()
                  if re.match(r"\s*\d+:", line) and len(line.split()) > 7)
    return rels, syms


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("dynrelparity"), braze_lddir)
    (b.root / "lib.c").write_text(LIB)
    (b.root / "prog.c").write_text(PROG)
    b.run(["gcc", "-shared", "-fPIC", "-fuse-ld=bfd", "lib.c", "-o", "libpar.so"])
    b.run(["gcc", "-c", "-O1", "-fno-pie", "prog.c"])
    return b


def test_copies_and_canonical_plt_vs_bfd(work):
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"prog-{linker}"
        work.run(["gcc", *work.ld(linker), "-no-pie", "prog.o", "-L.", "-lpar", "-Wl,-rpath,.", "-o", outs[linker]])
    rels_b, syms_b = _view(outs["bfd"])
    assert ("R_X86_64_COPY", "__environ") in rels_b and ("R_X86_64_64", "lib_thrice") in rels_b
    assert ("R_X86_64_64", "lib_twice") not in rels_b
    assert ("R_X86_64_COPY", "lib_data") in rels_b and ("R_X86_64_64", "lib_only_data") in rels_b
    assert ("R_X86_64_64", "lib_data") not in rels_b
    assert _view(outs["test"]) == (rels_b, syms_b)
    runs = [subprocess.run([str(outs[k])], capture_output=True, text=True, cwd=work.root) for k in ("bfd", "test")]
    assert runs[0].returncode == 0 and runs[0].stdout == "8 12 1 1\n3 2 7\n"
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)


@pytest.mark.parametrize("kind", ["-pie", "-shared"])
def test_relr_dynamic_size_vs_bfd(work, kind):
    """-z pack-relative-relocs: the same .dynamic (size, tags) and relocation sections as bfd's."""
    work.run(["gcc", "-c", "-O1", "-fPIC", "prog.c", "-o", "pic.o"])
    views = []
    for linker in ("bfd", "test"):
        out = work.root / f"relr{kind}-{linker}"
        work.run(["gcc", *work.ld(linker), kind, "pic.o", "-L.", "-lpar", "-Wl,-rpath,.", "-Wl,-z,pack-relative-relocs",
                  "-o", out])
        secs = [(f[0], f[4]) for f in (line.split("]", 1)[1].split() for line in _readelf(out, "-SW").splitlines()
                                       if re.match(r"\s*\[\s*\d+\] \.(dynamic|relr\.dyn|rela\.dyn)", line))]
        tags = [line.split()[1] for line in _readelf(out, "-dW").splitlines() if line.strip().startswith("0x")]
        views.append((secs, tags))
    assert any(s[0] == ".relr.dyn" for s in views[0][0])
    assert views[1] == views[0]


PLTGOT = r"""
int lib_twice(int);
int (*volatile keep)(int);
int use(void) { keep = lib_twice; return lib_twice(3); }   /* -fPIC: called and loaded from the GOT */
"""


@pytest.mark.parametrize("pie", ["-pie", "-no-pie"])
def test_pltgot_import_hashed_vs_bfd(work, pie):
    """An executable's import called through .plt.got (a -fPIC object both calls it and loads its
    address from the GOT, as libcrypto.a's lhash.o does with strcmp) is in .gnu.hash, in a non-PIE as
    in a PIE (braze hashed it only in a PIE: .gnu.hash 12 bytes short, every later section moved)."""
    (work.root / "pltgot.c").write_text(PLTGOT)
    (work.root / "pgmain.c").write_text("int use(void); int main(void) { return use() - 6; }\n")
    work.run(["gcc", "-c", "-O1", "-fPIC", "pltgot.c"])
    work.run(["gcc", "-c", "-O1", "-fpie" if pie == "-pie" else "-fno-pie", "pgmain.c", "-o", f"pgmain{pie}.o"])
    views = []
    for linker in ("bfd", "test"):
        out = work.root / f"pltgot{pie}-{linker}"
        work.run(["gcc", *work.ld(linker), pie, f"pgmain{pie}.o", "pltgot.o", "-L.", "-lpar", "-Wl,-rpath,.", "-o", out])
        secs = [(f[0], f[4]) for f in (line.split("]", 1)[1].split() for line in _readelf(out, "-SW").splitlines()
                                       if re.match(r"\s*\[\s*\d+\] \.(gnu\.hash|plt\.got|dynsym)", line))]
        assert subprocess.run([str(out)], cwd=work.root).returncode == 0
        views.append(secs)
    assert any(s[0] == ".plt.got" for s in views[0])
    assert views[1] == views[0]


ROLIB = ("const int lib_ro[8] = {1, 2, 3, 4, 5, 6, 7, 8};\nconst char *const lib_names[2] = {\"a\", \"b\"};\n"
         "int lib_f(void) { return 9; }\n")
ROPROG = r"""
#include <stdio.h>
extern const int lib_ro[8];
extern const char *const lib_names[2];
static const char *const local_tab[2] = {"x", "y"};     /* .data.rel.ro.local */
int lib_f(void);
int (*const prog_tab[2])(void) = {lib_f, lib_f};          /* .data.rel.ro: a library function's address */
int main(void) { printf("%d %s %s %d\n", lib_ro[3], lib_names[1], local_tab[1], prog_tab[1]()); return 0; }
"""


@pytest.mark.parametrize("pie", ["-pie", "-no-pie"])
def test_relro_copies_placed_first_vs_bfd(work, pie):
    """Copies of a library's read-only data go in .data.rel.ro where bfd puts them: its copy area is a
    section of the first input object, so ahead of the other objects' .data.rel.ro sections (after
    the .data.rel.ro.local ones); braze appended it after them. Compared: the program's own symbols'
    addresses and the copies' addresses."""
    (work.root / "rolib.c").write_text(ROLIB)
    (work.root / "roprog.c").write_text(ROPROG)
    work.run(["gcc", "-shared", "-fPIC", "-fuse-ld=bfd", "rolib.c", "-o", "librol.so"])
    work.run(["gcc", "-c", "-O1", "-fpie" if pie == "-pie" else "-fno-pie", "roprog.c", "-o", f"roprog{pie}.o"])
    views = []
    for linker in ("bfd", "test"):
        out = work.root / f"roprog{pie}-{linker}"
        work.run(["gcc", *work.ld(linker), pie, f"roprog{pie}.o", "-L.", "-lrol", "-Wl,-rpath,.", "-o", out])
        syms = sorted((f[7], f[1]) for f in (line.split() for line in _readelf(out, "-sW").splitlines())
                      if len(f) > 7 and f[7] in ("prog_tab", "local_tab", "lib_ro", "lib_names"))
        copies = sorted(f[0] for f in (line.split() for line in _readelf(out, "-rW").splitlines())
                        if len(f) > 2 and f[2] == "R_X86_64_COPY")
        assert subprocess.run([str(out)], cwd=work.root, capture_output=True).returncode == 0
        views.append((syms, copies))
    assert views[0][1]
    assert views[1] == views[0]
