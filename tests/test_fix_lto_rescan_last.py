"""Where the archive members only the post-LTO rescan loads go, against ld.bfd (found building musl's
libc.so with CFLAGS=-flto: its -nostdlib link ends `... obj/ldso/dynlink.lo -lgcc -lgcc_eh`, and
bfd put libgcc's __mulsc3/__muldc3 (and their .rodata.cst16) before dynlink.lo's sections, braze
after them; with musl's --sort-section=alignment the constants moved around dynlink.lo's
`reserved` array too).

bfd's find_rescan_insertion, for an archive none of whose members was loaded before: after the last
file before the archive (object, library, the plugin's objects) that has a successor in its file
chain -- the chain's last file has none -- then past the archive members after it.  So in a link
ending `last.o -lgcc` the members go before last.o.  Each case is linked by both; the functions' and
the read-only data's .symtab rows must be equal."""
from __future__ import annotations

from pathlib import Path

import pytest

from elfrows import named_symbol_rows
from harness import BuildDir

A_C = """\
_Complex float mulf(_Complex float x, _Complex float y) { return x * y; }
_Complex double muld(_Complex double x, _Complex double y) { return x * y; }
"""
B_C = """\
static const char reserved[29] = "abcdefghijklmnopqrstuvwxyz01";
const char *get(int i) { return &reserved[i]; }
"""
C_C = "int other(int x) { return x * 3; }\n"
NAMES = ["mulf", "muld", "get", "other", "reserved", "__mulsc3", "__muldc3"]

CASES = {
    "ir-then-last-object": ["a.o", "b.o", "-lgcc"],
    "ir-then-two-objects": ["a.o", "c.o", "b.o", "-lgcc"],
    "object-then-ir-last": ["b.o", "a.o", "-lgcc"],
    "sorted-by-alignment": ["a.o", "b.o", "-lgcc", "-Wl,--sort-section,alignment"],
    "object-after-archive": ["a.o", "-lgcc", "b.o"],
}




@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> BuildDir:
    b = BuildDir(tmp_path_factory.mktemp("ltorescan"), braze_lddir)
    for name, text in {"a.c": A_C, "b.c": B_C, "c.c": C_C}.items():
        (b.root / name).write_text(text)
    b.run(["gcc", "-O2", "-flto", "-fPIC", "-c", "a.c"])
    b.run(["gcc", "-O2", "-fPIC", "-fdata-sections", "-c", "b.c"])
    b.run(["gcc", "-O2", "-fPIC", "-c", "c.c"])
    return b


def _link(build: BuildDir, linker: str, case: str) -> Path:
    d = build.root / linker
    d.mkdir(exist_ok=True)
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
    out = d / f"{case}.so"
    build.run(["gcc", *ld, "-O2", "-flto", "-fPIC", "-shared", "-nostdlib", *CASES[case], "-o", out])
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_lto_rescan_insertion(build, case):
    bfd = _link(build, "bfd", case)
    braze = _link(build, "braze", case)
    assert named_symbol_rows(braze, NAMES) == named_symbol_rows(bfd, NAMES)


def test_not_vacuous(build):
    """bfd does put the rescanned __mulsc3 before the last object's get()."""
    rows = {r[0]: int(r[1], 16) for r in named_symbol_rows(_link(build, "bfd", "ir-then-last-object"), NAMES)}
    assert rows["__mulsc3"] < rows["get"]
