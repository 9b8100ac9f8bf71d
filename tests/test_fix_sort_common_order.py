"""--sort-common, against ld.bfd 2.40 (busybox links with it). bfd's lang_common then walks its hash
table once per alignment class (descending: >= 16, 8, 4, 2, rest; ascending: <= 1, 2, 4, 8, 16, rest),
and each common still goes to its own input's COMMON section, which `*(COMMON)` places in input
order. braze sorted all commons together by alignment alone (mixing the inputs, symbol-table order
within an alignment, 32 apart from 16) and refused --sort-common=ascending.
Compared: every .bss symbol's address and -Map's "Allocating common symbols" list."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

A = "char x1; long x8; int x4; char y1; long double x16; char zz[64] __attribute__((aligned(64)));\n" + \
    "".join(f"char ca{i}; short sa{i}; int ia{i}; long la{i};\n" for i in range(8)) + \
    "char w32[40] __attribute__((aligned(32)));\n"
B = "char a1; int a4; long a8; char b1; short a2; long double a16; char c1;\n" + \
    "".join(f"char cb{i}; long lb{i}[3]; int ib{i};\n" for i in range(8)) + \
    "extern char x1; int main(void) { return x1; }\n"
OPTS = {"bare": ["-Wl,--sort-common"], "descending": ["-Wl,--sort-common=descending"],
        "ascending": ["-Wl,--sort-common=ascending"], "none": []}


def _bss(b: BuildDir, exe) -> list[str]:
    return sorted(line for line in b.run(["nm", exe]).stdout.splitlines() if re.search(r" [bB] ", line))


def _alloc(path) -> str:
    text = path.read_text()
    i = text.find("Allocating common symbols")
    assert i >= 0
    return text[i:text.find("\n\n", text.find("\n\n", i) + 2)]


@pytest.mark.parametrize("mode", ["-static", "-no-pie", "-pie"])
@pytest.mark.parametrize("opt", sorted(OPTS))
def test_sort_common_like_bfd(tmp_path, braze_lddir, opt, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(A)
    (tmp_path / "b.c").write_text(B)
    b.run(["gcc", "-fcommon", "-c", "a.c", "b.c"])
    got = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        mp = tmp_path / f"{linker}.map"
        b.run(["gcc", *b.ld(linker), mode, "b.o", "a.o", *OPTS[opt], f"-Wl,-Map,{mp}", "-o", exe])
        assert b.run([exe], check=False).returncode == 0
        got[linker] = (_bss(b, exe), _alloc(mp))
    assert got["test"][0] == got["bfd"][0]
    assert got["test"][1] == got["bfd"][1]


def test_sort_common_bad_value(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    p = b.run(["gcc", *b.ld("test"), "m.c", "-Wl,--sort-common=sideways", "-o", "m"], check=False)
    assert p.returncode != 0 and "braze: error: invalid common section sorting option: sideways" in p.stderr
