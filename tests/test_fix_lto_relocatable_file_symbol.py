"""The FILE symbols of a `-r` link with LTO objects, as bfd writes them: the LTO plugin's object (its
lto_output) loses the compiler's `<artificial>` FILE symbol, as in a final link, and gets an unnamed
one when it has locals (-flinker-output=nolto-rel, or a partial link mixing regular objects: the
compiled code's static functions and variables); an IR-only output (-flinker-output=rel) has none.
braze copied `<artificial>` into every such -r output.  Compared with ld.bfd: the .symtab's FILE
symbol names in order, x86-64 and aarch64."""
from __future__ import annotations

import pytest

import a64_harness as H
from elfrows import tool
from harness import BuildDir

A_C = """\
static int cnt;
__attribute__((noinline)) static int triple(int x) { cnt++; return x * 3; }
int fa(int x) { return triple(x) + cnt; }
"""
B_C = """\
static int sb;
__attribute__((noinline)) static int quad(int x) { sb++; return x * 4; }
int fb(int x) { return quad(x) + sb; }
"""
C_C = "static int sc;\nint fc(int x) { return x + sc++; }\n"

CASES = {
    "ir-output": ["a.o", "b.o"],
    "nolto-rel": ["a.o", "b.o", "-flinker-output=nolto-rel"],
    "mixed-ir-first": ["a.o", "c.o", "b.o"],
    "mixed-regular-first": ["c.o", "a.o", "b.o"],
    "fat": ["af.o", "b.o"],
    "discard-locals-X": ["a.o", "c.o", "b.o", "-Wl,-X"],
}


def _file_syms(path, prefix: str) -> list[str]:
    out = tool(["readelf", "-sW", path], None, prefix).partition("Symbol table '.symtab'")[2]
    return [(ln.split() + [""])[7] for ln in out.splitlines() if " FILE " in ln]


@pytest.mark.parametrize("target", ["x86-64", "aarch64"])
@pytest.mark.parametrize("case", list(CASES))
def test_relocatable_lto_file_symbols(tmp_path, braze_lddir, target, case):
    if target == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    prefix = H.PREFIX if target == "aarch64" else ""
    cc = prefix + "gcc"
    b = BuildDir(tmp_path, braze_lddir)
    for name, text in (("a.c", A_C), ("b.c", B_C), ("c.c", C_C)):
        (tmp_path / name).write_text(text)
    b.run([cc, "-O2", "-flto", "-c", "a.c", "b.c"])
    b.run([cc, "-O2", "-c", "c.c"])
    b.run([cc, "-O2", "-flto", "-ffat-lto-objects", "-c", "a.c", "-o", "af.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"r-{linker}.o"
        b.run([cc, *b.ld(linker), "-O2", "-flto", "-r", *CASES[case], "-o", out])
        got[linker] = _file_syms(out, prefix)
    assert "<artificial>" not in got["bfd"]
    assert got["test"] == got["bfd"]
