"""--section-start of an orphan code section far above the image, against ld.bfd (found by a fuzzing
run, tools/fuzz).

bfd makes the output section of a --section-start name when it meets the address statement, before
it places orphans: a name outside its default script then follows every section of the script
(its own PT_LOAD at the address), instead of sitting after .text where orphan placement would put
it. braze put it after .text, so .fini, .rodata, .data... followed it up to the placed address (with
-mcmodel=tiny, .text's ADRs to .rodata no longer reached).

Compared: exit status and output, the program headers and each allocated section's address and
file offset (tests/test_fix_section_start_noseparate.py's view)."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from harness import BuildDir, tool_env
from test_fix_section_start_noseparate import _layout

LINKERS = ("bfd", "test")
SRC = r"""#include <stdio.h>
int counter = 5;
const char msg[] = "hello";
__attribute__((section(".fartext"), noinline)) int farf(int v) { return v + 7; }
__attribute__((section(".farro"))) const int farc = 3;
int main(void) { counter += farf(farc); printf("%s %d\n", msg, counter); return 0; }
"""


@pytest.mark.parametrize("arch,mode,cflags,zsep", [
    ("x86_64", "-no-pie", [], "separate-code"), ("x86_64", "-pie", [], "separate-code"),
    ("x86_64", "-no-pie", [], "noseparate-code"),
    ("aarch64", "-no-pie", [], "separate-code"), ("aarch64", "-pie", [], "separate-code"), ("aarch64", "-no-pie", ["-mcmodel=tiny"], "separate-code"),
    ("aarch64", "-no-pie", [], "noseparate-code")])
def test_orphan_section_start_goes_last(tmp_path, braze_lddir, arch, mode, cflags, zsep):
    if arch == "aarch64":
        assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(SRC)
    cc = H.PREFIX + "gcc" if arch == "aarch64" else "gcc"
    b.run([cc, "-O2", *cflags, "-c", "main.c", "-o", "main.o"])
    # two placed orphans (code, read-only data), named in the other order than the sections' own
    flags = ["-Wl,--section-start=.farro=0x20000000", "-Wl,--section-start=.fartext=0x10000000",
             f"-Wl,-z,{zsep}"]
    runs = {}
    for linker in LINKERS:
        p = b.run([cc, *b.ld(linker), mode, "main.o", *flags, "-o", f"p-{linker}"], check=False)
        assert p.returncode == 0, f"{linker}: {p.stderr}"
        exe = str(tmp_path / f"p-{linker}")
        cmd = [H.QEMU, "-L", H.SYSROOT, exe] if arch == "aarch64" else [exe]
        r = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), timeout=120)
        runs[linker] = (r.returncode, r.stdout, r.stderr)
    assert runs["bfd"] == (0, "hello 15\n", ""), runs["bfd"]
    assert runs["test"] == runs["bfd"]
    lb, lt = _layout(tmp_path / "p-bfd"), _layout(tmp_path / "p-test")
    # the test reaches what it is about: .fini and .rodata stay below the placed sections
    addr = {name: int(a, 16) for name, a, _o in lb[1]}
    assert addr[".rodata"] < addr[".fartext"] and addr[".fini"] < addr[".fartext"], lb[1]
    assert lt[0] == lb[0], f"program headers differ\nbfd:  {lb[0]}\ntest: {lt[0]}"
    assert lt[1] == lb[1], f"sections differ\nbfd:  {lb[1]}\ntest: {lt[1]}"
