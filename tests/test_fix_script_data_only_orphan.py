"""A script output section holding data (QUAD, LONG ...) but no input section does not take in an
orphan of its name: bfd's orphan code finds that output section without an ELF type yet and makes
the orphan an output section of its own, placed as orphans are (an output section given input
sections by the script, or only assignments, does take it in).  braze put the orphan into the
script's section.  Found by tools/fuzz (aarch64 scripts, seed 96697); compared with ld.bfd on both
architectures: section headers, the orphan's symbol and the program's output."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from harness import BuildDir

SRC = r"""
#include <stdio.h>
__attribute__((section(".fz2"))) char v1 = 7;
__attribute__((section(".fzr"))) const char r1 = 5;
extern char fz2_start[], fz2_end[];
int main(void) { printf("%d %d %ld\n", v1, r1, (long)(fz2_end - fz2_start)); return 0; }
"""

SCRIPTS = {
    # data only: the orphan .fz2 is a second output section (with ONLY_IF_RO too)
    "data": ".fz2 : { fz2_start = .; QUAD(0x1234) *nomatch.o(.fz2*) fz2_end = .; }",
    "data-ro": ".fz2 : ONLY_IF_RO { fz2_start = .; QUAD(0x1234) LONG(5) *nomatch.o(.fz2*) fz2_end = .; }",
    # data and an input section, or assignments only: the orphan joins it
    "data-input": ".fz2 : { fz2_start = .; QUAD(0x1234) *(.fzr) fz2_end = .; }",
    "assign-only": ".fz2 : { fz2_start = .; . += 8; fz2_end = .; }",
}


def _rows(path, readelf):
    out = subprocess.run([readelf, "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    secs = [" ".join(line.split("]", 1)[1].split()[:2] + line.split("]", 1)[1].split()[2:6])
            for line in out.splitlines() if "]" in line and ".fz" in line]
    out = subprocess.run([readelf, "-sW", str(path)], capture_output=True, text=True, check=True).stdout
    syms = [line.split()[1:] for line in out.splitlines() if line.split()[-1:] == ["v1"]]
    return secs, syms


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_orphan_and_data_only_section_as_bfd(tmp_path, braze_lddir, arch, script):
    b = BuildDir(tmp_path, braze_lddir)
    if arch == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
        cc, readelf = H.PREFIX + "gcc", H.PREFIX + "readelf"
        run = [H.QEMU, "-L", H.SYSROOT]
    else:
        cc, readelf, run = "gcc", "readelf", []
    (tmp_path / "m.c").write_text(SRC)
    (tmp_path / "s.ld").write_text("SECTIONS {\n  " + SCRIPTS[script] + "\n}\nINSERT AFTER .rodata;\n")
    b.run([cc, "-O2", "-c", "m.c", "-o", "m.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"m-{linker}"
        b.run([cc, *b.ld(linker), "-no-pie", "m.o", "-T", "s.ld", "-o", out])
        p = subprocess.run([*run, str(out)], capture_output=True, text=True, timeout=60)
        got[linker] = (_rows(out, readelf), p.returncode, p.stdout)
    n_fz2 = sum(r.startswith(".fz2 ") for r in got["bfd"][0][0])
    assert n_fz2 == (2 if script.startswith("data") and script != "data-input" else 1), got["bfd"]
    assert got["test"] == got["bfd"]
