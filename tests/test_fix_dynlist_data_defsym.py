"""--dynamic-list-data does not list --defsym symbols, against ld.bfd.

bfd marks a data symbol dynamic for --dynamic-list-data as it reads an object's symbols
(bfd_elf_link_mark_dynamic_symbol): a symbol a --defsym (or a script assignment) defines is not
one, even when it copies a data symbol's type -- only a dynamic list naming it exports it.  braze
applied the data rule to them too, so an executable exported `e_plain = darr` and `e_plus =
darr+8`. Found by tools/fuzz --feats-set 3 (seed 98304: --defsym expressions of set 2's f_pull
with --dynamic-list-data).

Each case links the same objects through ld.bfd and through braze: the defined dynamic symbols and
the dynamic relocations must be equal, and the programs print alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import defined_dynsym_names, dyn_relocs
from harness import link_in, run_env, tool_env

MAIN = r"""#include <stdio.h>
int darr[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
int dfn(int v) { return v + 1; }
extern int e_plain[], e_plus[]; int e_fn(int);
int main(void) { printf("%d %d %d\n", e_plain[0], e_plus[0], e_fn(1)); return 0; }
"""
LIB = """int darr[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
extern int e_plain[], e_plus[];
int get(void) { return e_plain[1] + e_plus[1]; }
"""
DEFS = ["-Wl,--defsym=e_plain=darr", "-Wl,--defsym=e_plus=darr+8", "-Wl,--defsym=e_fn=dfn", "-Wl,--defsym=e_num=0x1234"]
CASES = [
    ("pie-data", ["-pie", "main.o", "-Wl,--dynamic-list-data", *DEFS]),
    ("no-pie-data-list", ["-no-pie", "main.o", "-Wl,--dynamic-list-data", "-Wl,--dynamic-list=none.dyn", *DEFS]),
    ("pie-named", ["-pie", "main.o", "-Wl,--dynamic-list=named.dyn", *DEFS]),       # named: exported
    ("shared-data", ["-shared", "lib.o", "-Wl,--dynamic-list-data", *DEFS[:2]]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dynlist_data_defsym")
    (d / "main.c").write_text(MAIN)
    (d / "lib.c").write_text(LIB)
    (d / "named.dyn").write_text("{ e_plain; e_plus; e_fn; };\n")
    (d / "none.dyn").write_text("{ nothing_here; };\n")
    for cmd in (["gcc", "-c", "-O2", "main.c"], ["gcc", "-c", "-O2", "-fPIC", "lib.c"]):
        subprocess.run(cmd, cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_dynamic_list_data_defsym_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert defined_dynsym_names(got) == defined_dynsym_names(ref)
    assert sorted(dyn_relocs(got, srcdir)) == sorted(dyn_relocs(ref, srcdir))
    if "-shared" not in args:
        env = run_env(srcdir, {})
        outs = [subprocess.run([str(p)], cwd=srcdir, env=env, capture_output=True, text=True).stdout for p in (ref, got)]
        assert outs[1] == outs[0] == "1 3 2\n"
