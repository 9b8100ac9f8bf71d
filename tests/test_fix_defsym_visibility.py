"""--defsym ALIAS=SYM takes SYM's visibility, against ld.bfd.

bfd copies the type of the one symbol an assignment's expression reads (bfd_copy_link_hash_symbol_type)
and merges its st_other visibility into the assigned symbol: an alias of a hidden or internal
definition -- hidden by its attribute or by --exclude-libs -- is local and not exported, an alias of a
protected one is protected. braze gave every alias default visibility: a program linked with -E
exported `dpu` although `dpu = pu2` and pu2 came from an excluded archive (tools/fuzz --feats-set 3,
seed 98142), and a shared library exported aliases of its hidden functions.

Each case links the same objects through ld.bfd and through braze: the defined dynamic symbols and
the aliases' .symtab binding and visibility must be equal, and the programs print alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import defined_dynsym_names, symbol_rows
from harness import link_in, run_env, tool_env

LIB = """int pu2(void) { return 41; }
int pdata = 3;
"""
DEFS = """__attribute__((visibility("hidden"))) int hfn(void) { return 7; }
__attribute__((visibility("protected"))) int pfn(void) { return 8; }
__attribute__((visibility("internal"))) int ifn(void) { return 9; }
__attribute__((visibility("hidden"))) int hdat[2] = { 4, 5 };
"""
MAIN = r"""#include <stdio.h>
int a_pu(void), a_h(void), a_p(void), a_i(void); extern int a_dat, a_hd[];
int main(void) { printf("%d %d %d %d %d %d\n", a_pu(), a_h(), a_p(), a_i(), a_dat, a_hd[0]); return 0; }
"""
USE = "int a_h(void), a_p(void), a_i(void), a_pu(void);\nint use(void) { return a_h() + a_p() + a_i() + a_pu(); }\n"
ALIASES = ["-Wl,--defsym=a_pu=pu2", "-Wl,--defsym=a_h=hfn", "-Wl,--defsym=a_p=pfn", "-Wl,--defsym=a_i=ifn"]
NAMES = ["a_pu", "a_h", "a_p", "a_i", "a_dat", "a_hd"]
EXE = ["main.o", "defs.o", "-L.", "-lpu", "-Wl,-u,pu2", "-Wl,-u,pdata", *ALIASES, "-Wl,--defsym=a_dat=pdata",
       "-Wl,--defsym=a_hd=hdat+4"]
CASES = [
    ("no-pie-E-exclude", ["-no-pie", "-Wl,-E", "-Wl,--exclude-libs=libpu.a", *EXE]),
    ("pie-E", ["-pie", "-Wl,-E", *EXE]),
    ("pie-exclude-all", ["-pie", "-Wl,--exclude-libs=ALL", *EXE]),
    ("shared-exclude", ["-shared", "-Wl,--exclude-libs=ALL", "use.o", "defs-pic.o", "-L.", "-lpu", "-Wl,-u,pu2",
                        *ALIASES]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("defsym_visibility")
    for n, t in (("lib.c", LIB), ("defs.c", DEFS), ("main.c", MAIN), ("use.c", USE)):
        (d / n).write_text(t)
    for cmd in (["gcc", "-c", "-O2", "-fPIC", "lib.c"], ["ar", "rcs", "libpu.a", "lib.o"],
                ["gcc", "-c", "-O2", "main.c"], ["gcc", "-c", "-O2", "defs.c"], ["gcc", "-c", "-O2", "-fPIC", "use.c"],
                ["gcc", "-c", "-O2", "-fPIC", "defs.c", "-o", "defs-pic.o"]):
        subprocess.run(cmd, cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_defsym_alias_visibility_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert defined_dynsym_names(got) == defined_dynsym_names(ref)
    rows = lambda p: sorted((r[5], r[1], r[2], r[3]) for r in symbol_rows(p, srcdir, NAMES))
    assert rows(got) == rows(ref)
    if "-shared" not in args:
        env = run_env(srcdir, {})
        outs = [subprocess.run([str(p)], cwd=srcdir, env=env, capture_output=True, text=True).stdout for p in (ref, got)]
        assert outs[1] == outs[0] == "41 7 8 9 3 5\n"
