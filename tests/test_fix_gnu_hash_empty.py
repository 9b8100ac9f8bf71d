"""A .gnu.hash with no hashed symbol (a library that exports nothing): bfd's header is nbuckets 1,
symoffset 1, one Bloom word and shift 0; braze wrote the Bloom shift for one symbol (6) and the index after
the undefined symbols."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

SRC = "static int x(void) { return 1; }\nint (*p)(void) = x;\n"


def _gnu_hash(path) -> str:
    out = subprocess.run(["objdump", "-s", "-j", ".gnu.hash", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return "\n".join(ln for ln in out.splitlines() if ln.startswith(" "))


@pytest.mark.parametrize("flags", [["-nostdlib"], []])
def test_empty_gnu_hash_header_as_bfd(tmp_path, braze_lddir, flags):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "e.c").write_text(SRC)
    (tmp_path / "v.map").write_text("{ local: *; };\n")
    b.run(["gcc", "-fPIC", "-c", "e.c", "-o", "e.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"e-{linker}.so"
        b.run(["gcc", *b.ld(linker), "-shared", *flags, "-Wl,--version-script=v.map", "e.o", "-o", out])
        got[linker] = _gnu_hash(out)
    assert got["bfd"], "harness: bfd wrote no .gnu.hash"
    assert got["test"] == got["bfd"]
