"""`FILE:LINE:` in located messages from DWARF 2-4 line tables, as ld.bfd 2.40 prints them.

bfd's `.gnu.warning` and --warn-unresolved-symbols messages name the source line when the object
has a line table.  braze read only DWARF 5 tables (gcc 11+'s default) and printed
`SRC:(.text+0x5)` for -gdwarf-4 objects (rustc's default, older toolchains' archives).  Before
DWARF 5, file and directory numbers start at 1 and the compilation directory (directory 0) is the
unit's DW_AT_comp_dir in .debug_info.

Compared with bfd: the whole warning text (the linker's program name taken out), for sources
compiled from a subdirectory, by absolute path, and code inlined from a header."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

WARNED = """int missing(int x) { return x; }
static const char w[] __attribute__((section(".gnu.warning.missing"), used)) = "do not use missing";
"""
HEADER = """extern int missing(int);
static inline int from_header(int x)
{
    return missing(x) * 3;
}
"""
MAIN = """#include "inc/help.h"
extern int undefined_fn(int);
static int helper(int x)
{
    return missing(x * 2) + 3;
}
int main(int c, char **v)
{
    (void)v;
    if (c > 5)
        return undefined_fn(c);
    return (helper(c) + from_header(c)) & 0;
}
"""

CASES = {
    f"{how}{dbg}{opt}": (how, dbg, opt)
    for how in ("rel", "sub", "abs")
    for dbg in ("-gdwarf-2", "-gdwarf-3", "-gdwarf-4", "-gdwarf-5")
    for opt in ("-O0", "-O2")
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("dwarf4"), braze_lddir)
    (w.root / "src" / "inc").mkdir(parents=True)
    (w.root / "src" / "inc" / "help.h").write_text(HEADER)
    (w.root / "src" / "main.c").write_text(MAIN)
    (w.root / "warned.c").write_text(WARNED)
    w.run(["gcc", "-O2", "-c", "warned.c"])
    return w


def _warnings(stderr: str) -> list[str]:
    return re.sub(r"^(braze|\S*/ld(\.bfd)?): ", "", stderr, flags=re.M).splitlines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_dwarf_line_vs_bfd(work, case):
    how, dbg, opt = CASES[case]
    obj = work.root / f"{case}.o"
    if how == "rel":            # compiled in its own directory: the file name alone
        work.run(["gcc", opt, dbg, "-c", "main.c", "-o", obj], cwd=work.root / "src")
    elif how == "sub":          # from above: a relative directory entry
        work.run(["gcc", opt, dbg, "-c", "src/main.c", "-o", obj])
    else:                       # by absolute path
        work.run(["gcc", opt, dbg, "-c", work.root / "src" / "main.c", "-o", obj])
    res = {}
    for linker in ("bfd", "test"):
        p = work.run(["gcc", *work.ld(linker), "-Wl,--warn-unresolved-symbols", "-o",
                      f"{case}-{linker}", obj, "warned.o"], check=False)
        res[linker] = (p.returncode, _warnings(p.stderr))
    assert res["bfd"][0] == 0 and any(re.search(r"main\.c:\d+: warning", ln) for ln in res["bfd"][1]), res["bfd"]
    if dbg != "-gdwarf-5":
        # the "in function" lines of DWARF 2-4 objects still come from the symbol table (bfd asks
        # DWARF, reading .debug_ranges with every input section at address 0): only FILE:LINE here
        res = {k: (v[0], [ln for ln in v[1] if "in function" not in ln]) for k, v in res.items()}
    assert res["test"] == res["bfd"]
