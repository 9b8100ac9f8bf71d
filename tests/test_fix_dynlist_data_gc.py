"""--dynamic-list-data with --gc-sections in an executable, against ld.bfd.

bfd (bfd_elf_gc_mark_dynamic_ref_symbol) roots an executable's exported definitions only under
--export-dynamic, --gc-keep-exported, or when a dynamic list (--dynamic-list, --export-dynamic-symbol)
names them: --dynamic-list-data marks every data symbol dynamic but keeps none of their sections, and a
data symbol whose section is collected is not exported (elf_gc_sweep_symbol). braze treated the data
rule's exports as roots: it kept unreferenced data (and crt1's _IO_stdin_used) and exported it.
Found by tools/fuzz (--feats-set 3, seeds 98043 and 98115).

Each case links the same objects through ld.bfd and through braze: the defined dynamic symbols must
be equal and the programs print alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import defined_dynsym_names
from harness import link_in, run_env, tool_env

MAIN = r"""
#include <stdio.h>
int used_d = 5;
int unused_d[4] = { 1, 2, 3, 4 };
int listed_d[2] = { 6, 7 };
int unused_f(void) { return unused_d[1]; }
int main(void) { printf("%d\n", used_d); return 0; }
"""
DATA = ["-Wl,--gc-sections", "-Wl,--dynamic-list-data", "main.o"]
CASES = [
    ("no-pie", ["-no-pie", *DATA]),
    ("pie", ["-pie", *DATA]),
    ("no-pie-list", ["-no-pie", *DATA, "-Wl,--dynamic-list=dyn.list"]),      # the listed one stays
    ("pie-export-symbol", ["-pie", *DATA, "-Wl,--export-dynamic-symbol=listed_d"]),
    ("no-pie-E", ["-no-pie", *DATA, "-Wl,--export-dynamic"]),                 # -E keeps them all
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dynlist_data_gc")
    (d / "main.c").write_text(MAIN)
    (d / "dyn.list").write_text("{ listed_d; };\n")
    subprocess.run(["gcc", "-c", "-O2", "-ffunction-sections", "-fdata-sections", "main.c"], cwd=d, check=True,
                   env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_dynamic_list_data_gc_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert sorted(defined_dynsym_names(got)) == sorted(defined_dynsym_names(ref))
    env = run_env(srcdir, {})
    outs = [subprocess.run([str(p)], cwd=srcdir, env=env, capture_output=True, text=True).stdout for p in (ref, got)]
    assert outs[1] == outs[0] == "5\n"
