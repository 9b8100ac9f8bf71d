"""The order of .dynamic's tags when a library defines versions (a version script) and has DT_FLAGS
or DT_FLAGS_1, against ld.bfd. Found linking Linux 6.1's vDSO (-shared -Bsymbolic, a version script
in its -T script): bfd's bfd_elf_size_dynamic_sections adds DT_VERDEF/DT_VERDEFNUM as it makes
.gnu.version_d, before DT_FLAGS and DT_FLAGS_1, and DT_VERNEED/DT_VERSYM after them; braze wrote
DT_FLAGS/DT_FLAGS_1 ahead of DT_VERDEF.

Compared: the tags of `readelf -d`, in order."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = r"""
#include <stdio.h>
extern int y;
int *p = &y;
int x;
int f(void) { return x + *p; }
int g(void) { return printf("%d\n", x); }
"""
SRC_NOLIBC = "int x; int f(void) { return x; }\n"
MAP = "V1 { global: f; g; local: *; };\nV2 { global: x; } V1;\n"

CASES = {
    "symbolic": ["-Wl,-Bsymbolic"],
    "now": ["-Wl,-z,now"],
    "nodelete": ["-Wl,-z,nodelete"],
    "symbolic-now-nodelete": ["-Wl,-Bsymbolic", "-Wl,-z,now", "-Wl,-z,nodelete"],
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("dynorder"), braze_lddir)
    (w.root / "s.c").write_text(SRC)
    (w.root / "n.c").write_text(SRC_NOLIBC)
    (w.root / "v.map").write_text(MAP)
    w.run(["gcc", "-O2", "-fPIC", "-c", "s.c", "n.c"])
    return w


def _tags(w, path) -> list[str]:
    out = w.run(["readelf", "-W", "-d", path]).stdout
    return [l.split()[1] for l in out.splitlines() if l.strip().startswith("0x")]


@pytest.mark.parametrize("libc", ["libc", "nostdlib"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_dynamic_tag_order_vs_bfd(work, case, libc):
    obj = ["s.o", "-Wl,--defsym=y=x"] if libc == "libc" else ["-nostdlib", "n.o"]
    res = {}
    for linker in ("bfd", "test"):
        out = f"{case}-{libc}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "-Wl,--version-script=v.map", *CASES[case], *obj,
                  "-o", out])
        res[linker] = _tags(work, out)
    assert "(VERDEF)" in res["bfd"]
    assert res["test"] == res["bfd"]
