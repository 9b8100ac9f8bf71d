"""Which objects get their local symbols (and FILE symbol) written after --gc-sections, as bfd
(x86-64 and aarch64; found in aarch64 -static C++ links with --gc-sections):

- bfd_elf_discard_info excludes only the .eh_frame inputs left empty after the last one with
  records (walking back, past crtend's zero terminator); an input emptied before that stays in the
  output, so its object's locals are written (its `$d` at where the next records begin). braze
  dropped every emptied input, and with it the object's locals (libc.a/libstdc++.a members whose
  functions all went, in a -static link).
- ldwrite makes no link orders in an output section without contents (.bss, .tbss), so an object
  left with only such sections has no locals written, not even its FILE symbol; braze wrote them.

Compared with ld.bfd: the .symtab's local symbols (name, type, section name, value)."""
from __future__ import annotations

import shutil

import pytest

from harness import BuildDir
from elfrows import section_names, tool

Y = "int yfunc(int a) { return a * 3 + 1; }\n"
Z = "int zfunc(int a) { return a + 2; }\n"
W = "int wv;\nstatic int wl __attribute__((used));\n"
M = r"""#include <stdio.h>
int yfunc(int), zfunc(int);
extern int wv;
int dead(int a) { return yfunc(a); }
int main(void) { wv = 3; printf("%d\n", zfunc(wv)); return 0; }
"""
ARCHES = {"x86_64": ("", "gcc"), "aarch64": ("aarch64-linux-gnu-", "aarch64-linux-gnu-gcc")}


def _locals(path, prefix: str) -> list[tuple]:
    secs = section_names(path, prefix)
    out = tool(["readelf", "-sW", path], None, prefix).partition("Symbol table '.symtab'")[2]
    return [(f[7], f[3], secs.get(f[6], f[6]), f[1]) for f in (ln.split() for ln in out.splitlines())
            if len(f) == 8 and f[4] == "LOCAL" and f[0] != "0:"]


@pytest.mark.parametrize("arch", sorted(ARCHES))
@pytest.mark.parametrize("mode", ["-pie", "-static"])
def test_gc_sections_locals_as_bfd(tmp_path, braze_lddir, arch, mode):
    prefix, cc = ARCHES[arch]
    if not shutil.which(cc):
        pytest.skip(f"{cc} is not installed")
    b = BuildDir(tmp_path, braze_lddir)
    for name, text in (("y", Y), ("z", Z), ("w", W), ("m", M)):
        (tmp_path / f"{name}.c").write_text(text)
        b.run([cc, "-O2", "-ffunction-sections", "-c", f"{name}.c", "-o", f"{name}.o"])
    rows = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        b.run([cc, *b.ld(linker), mode, "-Wl,--gc-sections", "m.o", "y.o", "z.o", "w.o", "-o", out])
        rows[linker] = _locals(out, prefix)
    files = {r[0] for r in rows["bfd"] if r[1] == "FILE"}
    assert "y.c" in files and "w.c" not in files, files
    # (sorted: the linker-made locals' order in a static link follows bfd's hash table)
    assert sorted(rows["test"]) == sorted(rows["bfd"])
