"""A shared library's __start_X/__stop_X go through its version script and --default-symver, against
ld.bfd.

bfd versions the bounds it defines as it does the objects' symbols: `local: *` keeps them out of
.dynsym (LOCAL in .symtab), a global pattern gives them its version, --default-symver the library's
own. braze exported them unversioned in every case, so a program could bind to a library's bounds
that bfd hides. Found by tools/fuzz --feats-set 3 (seeds 98101, 98185: --default-symver).

Each case links the same object through ld.bfd and through braze: the defined dynamic symbols (with
their versions) and the bounds' .symtab binding must be equal, and a program using the library
prints alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import defined_dynsym_names, symbol_rows
from harness import link_in, run_env, tool_env

LIB = """__attribute__((section("mysec"), used)) static const int e[2] = { 1, 2 };
extern const int __start_mysec[], __stop_mysec[];
int lcount(void) { return __stop_mysec - __start_mysec; }
int lfn(void) { return 3; }
"""
MAIN = r"""#include <stdio.h>
int lcount(void); int lfn(void);
int main(void) { printf("%d %d\n", lcount(), lfn()); return 0; }
"""
SCRIPTS = {"local-all": "V1 { global: lcount; lfn; local: *; };\n", "global-all": "V1 { global: *; };\n",
           "names-only": "V1 { global: lcount; lfn; };\n", "glob": "V1 { global: l*; __start_*; }; V2 { global: __stop_*; } V1;\n"}
CASES = [(k, [f"-Wl,--version-script={k}.map"]) for k in SCRIPTS] + [("default-symver", ["-Wl,--default-symver"])]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("start_stop_versions")
    (d / "l.c").write_text(LIB)
    (d / "main.c").write_text(MAIN)
    for k, t in SCRIPTS.items():
        (d / f"{k}.map").write_text(t)
    for cmd in (["gcc", "-c", "-O2", "-fPIC", "l.c"], ["gcc", "-c", "-O2", "main.c"]):
        subprocess.run(cmd, cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_start_stop_versions_match_bfd(srcdir, braze_lddir, name, args):
    lib = f"lib{name}.so"
    ref = link_in(srcdir, None, lib, ["-shared", "l.o", *args, f"-Wl,-soname,{lib}"])
    got = link_in(srcdir, braze_lddir, lib, ["-shared", "l.o", *args, f"-Wl,-soname,{lib}"])
    assert defined_dynsym_names(got) == defined_dynsym_names(ref)
    rows = lambda p: sorted((r[5], r[2], r[3]) for r in symbol_rows(p, srcdir, ["__start_mysec", "__stop_mysec"]))
    assert rows(got) == rows(ref)
    outs = []
    for p in (ref, got):
        exe = link_in(srcdir, None if p is ref else braze_lddir, f"prog-{name}", ["main.o", f"-L{p.parent}", f"-l{name}"])
        env = run_env(srcdir, {"LD_LIBRARY_PATH": str(p.parent)})
        outs.append(subprocess.run([str(exe)], cwd=srcdir, env=env, capture_output=True, text=True).stdout)
    assert outs[1] == outs[0] == "2 3\n"
