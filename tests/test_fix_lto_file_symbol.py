"""The FILE symbol of an LTO link's compiled (ltrans) object: bfd drops the compiler's `<artificial>`
STT_FILE of an object the plugin added (its lto_output: a temporary name, not reproducible) and, as
for any object without one, writes a FILE symbol before its locals, here with no name. braze kept
`<artificial>`. Any -flto link whose compiled code keeps a local symbol shows it (a static function
not inlined, a static variable; on aarch64 every ltrans object has `$x`/`$d`). Found with gcc's
torture tests at -O2 -flto linked for aarch64. Compared with ld.bfd: the names of the .symtab FILE
symbols in order, and the program's exit status."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from elfrows import tool
from harness import BuildDir

SRC = r"""
static int cnt;
__attribute__((noinline)) static int triple(int x) { cnt++; return x * 3; }
int g;
int main(void) { g = triple(g + 1); return g != 3 || cnt != 1; }
"""


def _file_syms(path, prefix: str) -> list[str]:
    out = tool(["readelf", "-sW", path], None, prefix).partition("Symbol table '.symtab'")[2]
    return [(ln.split() + [""])[7] for ln in out.splitlines() if " FILE " in ln]


@pytest.mark.parametrize("target", ["x86-64", "aarch64"])
@pytest.mark.parametrize("mode", ["-pie", "-static"])
def test_lto_file_symbol_like_bfd(tmp_path, braze_lddir, target, mode):
    if target == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    prefix = H.PREFIX if target == "aarch64" else ""
    cc = prefix + "gcc"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "l.c").write_text(SRC)
    b.run([cc, "-O2", "-flto", "-c", "l.c", "-o", "l.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"l-{linker}"
        b.run([cc, *b.ld(linker), "-O2", "-flto", mode, "l.o", "-o", out])
        run = [H.QEMU, *(["-L", H.SYSROOT] if mode == "-pie" else []), out] if target == "aarch64" else [out]
        rc = subprocess.run([str(x) for x in run], capture_output=True).returncode
        got[linker] = (rc, _file_syms(out, prefix))
    assert got["bfd"][0] == 0
    assert "" in got["bfd"][1]
    assert got["test"] == got["bfd"]
