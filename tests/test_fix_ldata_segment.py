"""gcc -mcmodel=medium puts initialized arrays over 64 KiB in .ldata (and uninitialized ones in .lbss,
constant ones in .lrodata). bfd's script places `.ldata ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))`
after `.lrodata` with the same expression, which moves `.` even when there is no .lrodata: .ldata
starts two pages above the end of .bss/.lbss, in a PT_LOAD of its own. braze appended .ldata to the
data segment right after .lbss, so the segment's file image carried .bss/.lbss as zeros (the file
twice as big) and every .ldata address differed from bfd's.

Compared with ld.bfd (readelf -lS, the symbol table, the program's output) for medium-model programs
with .ldata alone, .ldata with .lrodata and .lbss (there only the segments' order and .ldata's place:
bfd's unaligned .lrodata start is another matter), in PIE, -no-pie, -static, -shared, -z norelro,
-z noseparate-code and max-page-size=0x10000 links.
"""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

LDATA_ONLY = r"""
#include <stdio.h>
int big[100000] = {1};
int bigz[100000];
int small = 3;
int main(void) { bigz[5] = 2; printf("%d %d %d\n", big[0], bigz[5], small); return 0; }
"""

LBSS_ONLY = r"""
#include <stdio.h>
int bigz[100000];
int main(int c, char **v) { bigz[5] = c; printf("%d\n", bigz[5]); return 0; }
"""

MODES = {"pie": [], "no-pie": ["-no-pie"], "static": ["-static"], "shared": ["-shared", "-fPIC"],
         "norelro": ["-Wl,-z,norelro"], "noseparate-code": ["-Wl,-z,noseparate-code"],
         "maxpage64k": ["-Wl,-z,max-page-size=0x10000"]}
SRCS = {"ldata": LDATA_ONLY, "lbss": LBSS_ONLY}


def _view(b: BuildDir, exe) -> tuple[str, str]:
    out = b.run(["readelf", "-lSW", exe]).stdout
    lay = "\n".join(re.sub(r"^\s*\[\s*\d+\]", "", line) for line in out.splitlines()
                    if not re.search(r"section headers|\.(comment|symtab|strtab|shstrtab)\b", line))
    return lay, b.run(["nm", exe]).stdout


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("src", sorted(SRCS))
def test_medium_model_ldata_like_bfd(tmp_path, braze_lddir, src, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(SRCS[src])
    views, outs = {}, {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-O1", "-mcmodel=medium", *MODES[mode], "m.c", "-o", exe])
        if mode != "shared":
            outs[linker] = b.run([exe]).stdout
        views[linker] = _view(b, exe)
    assert outs.get("test") == outs.get("bfd")
    assert views["test"] == views["bfd"]


def test_medium_model_ldata_after_lrodata_like_bfd(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(r"""
#include <stdio.h>
int big[100000] = {1};
int bigz[100000];
const int cbig[30000] = {5, 6};
static char lb[70000];
int main(int c, char **v) { bigz[5] = 2; lb[c] = 1; printf("%d %d %d %d\n", big[0], bigz[5], cbig[c], lb[1]); return 0; }
""")
    got = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"m-{linker}"
        b.run(["gcc", *b.ld(linker), "-O1", "-mcmodel=medium", "m.c", "-o", exe])
        out = b.run([exe]).stdout
        segs = b.run(["readelf", "-lW", exe]).stdout
        maps = [line.split()[1:] for line in segs.split("Section to Segment mapping:")[1].splitlines()[2:]]
        secs = b.run(["readelf", "-SW", exe]).stdout
        ldata = [line.split()[-7:] for line in secs.splitlines() if "] .ldata" in line]
        got[linker] = (out, maps, ldata, b.run(["nm", exe]).stdout)
    assert got["test"] == got["bfd"]
