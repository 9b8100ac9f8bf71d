"""The section of script symbols at a section's end where the next section starts at that address
(aarch64 -static: .init right after .rela.plt; glibc's orphan __libc_freeres_ptrs right after .bss):
bfd writes __rela_iplt_start/__rela_iplt_end in .rela.plt (the script defines them inside it) and
_bss_end__/__bss_end__ relative to .bss (the section before the assignment); braze gave them the
section that starts there (.init, __libc_freeres_ptrs). Found by comparing static C++ programs built
for aarch64. Compared with aarch64 ld.bfd: the symbols' (value, type, bind, section name), and the
programs' output under qemu."""
from __future__ import annotations

import pytest

import a64_harness as H
from elfrows import named_symbol_rows
from harness import BuildDir

SRC = r"""
#include <stdio.h>
#include <stdlib.h>
static char buf[4096];
int main(void) { char *p = malloc(16); snprintf(buf, sizeof buf, "%d", 42); puts(buf); free(p); return 0; }
"""
NAMES = ("__rela_iplt_start", "__rela_iplt_end", "_bss_end__", "__bss_end__", "__bss_start__",
         "__bss_start", "_edata", "_end", "__end__", "end")


@pytest.mark.parametrize("mode", ["-static", "-no-pie", "-pie", "-static-pie"])
def test_boundary_symbols_in_bfds_sections(tmp_path, braze_lddir, mode):
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(SRC)
    cc = H.PREFIX + "gcc"
    b.run([cc, "-O2", "-c", "m.c", "-o", "m.o"])
    rows, runs = {}, {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        b.run([cc, *b.ld(linker), mode, "m.o", "-o", out])
        rows[linker] = named_symbol_rows(out, NAMES, H.PREFIX)
        runs[linker] = b.run([H.QEMU, "-L", H.SYSROOT, out]).stdout
    assert runs["test"] == runs["bfd"] == "42\n"
    if mode == "-static":
        assert ("__rela_iplt_end", ".rela.plt") in {(r[0], r[4]) for r in rows["bfd"]}
    assert rows["test"] == rows["bfd"]
