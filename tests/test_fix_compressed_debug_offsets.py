"""--compress-debug-sections: where the compressed sections sit in the file, as ld.bfd 2.40.

bfd gives the sections it compresses (every non-alloc .debug_*, also one left uncompressed because
it would not shrink, e.g. .debug_line_str) their file offsets after the other non-alloc sections
(.comment, .symtab, .strtab, a user's own) and before .shstrtab; the section headers keep their
order. braze wrote them in header order, ahead of .symtab and .strtab. Go's external linking
passes -Wl,--compress-debug-sections=zlib to every cgo / c-shared / c-archive link.

Compared with bfd: the order of the sections by file offset (the offsets themselves differ by the
accepted .strtab size difference); the programs run."""
from __future__ import annotations

import pytest

from harness import BuildDir, tool_env

MAIN = """#include <stdio.h>
int twice(int);
static const char note[] __attribute__((used, section(".my.nonalloc"))) = "kept";
int main(int c, char **v) { printf("%d\\n", twice(c) + 40); return 0; }
"""
LIB = """int twice(int x) { return x * 2; }
"""

CASES = {
    f"{style}{extra}": (style, extra)
    for style in ("zlib", "zlib-gnu", "zstd")
    for extra in ("", "-s", "-shared", "-static")
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("zdebug"), braze_lddir)
    (w.root / "main.c").write_text(MAIN)
    (w.root / "lib.c").write_text(LIB)
    w.run(["gcc", "-g", "-O2", "-fPIC", "-c", "main.c", "lib.c"])
    return w


def _order(w, exe):
    out = w.run(["readelf", "-W", "-S", exe]).stdout
    rows = []
    for line in out.splitlines():
        if "]" not in line or not line.lstrip().startswith("["):
            continue
        f = line.split("]", 1)[1].split()
        if f[0] in ("NULL", "Name") or f[1] == "NOBITS":
            continue
        rows.append((int(f[3], 16), f[0]))
    return [n for _o, n in sorted(rows)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_compressed_debug_offsets_vs_bfd(work, case):
    style, extra = CASES[case]
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{case}-{linker}"
        objs = ["lib.o"] if extra == "-shared" else ["main.o", "lib.o"]
        flags = [extra] if extra else []
        work.run(["gcc", *work.ld(linker), *flags, f"-Wl,--compress-debug-sections={style}", "-o", exe, *objs])
        ran = None if extra == "-shared" else work.run([f"./{exe}"], env=tool_env()).stdout
        res[linker] = (_order(work, exe), ran)
    if extra != "-s":
        assert res["bfd"][0].index(".strtab") < res["bfd"][0].index(".shstrtab") - 1     # (what bfd does)
    assert res["test"] == res["bfd"]
