"""An initial-exec access to an undefined weak TLS symbol in an aarch64 executable, against aarch64
ld.bfd (found by tools/fuzz/run.py --kind scripts --arch aarch64: every -static link with glibc's
libc.a has ten, in _nl_locale_subfreeres, so .got was 0x50 bytes smaller and everything after it moved).

bfd's aarch64_can_relax_tls does not relax TLS accesses to an undefined weak symbol: the IE sequence
keeps its GOT load, the slot holding the TP offset of address 0 (-static) or a TPREL64 relocation.
braze relaxed it to local-exec (movz/movk), with no slot.

Compared: the allocated sections and program headers, the instructions at the access, and the
programs' output under qemu."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

GCC = "aarch64-linux-gnu-gcc"
QEMU = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]

MAIN = """#include <stdio.h>
extern __thread int wt __attribute__((weak, tls_model("initial-exec")));
extern int used __attribute__((weak));
__thread int mine = 4;
int main(void) { if (&used) printf("%d\\n", wt); printf("%d\\n", mine); return 0; }
"""


def _view(path) -> tuple:
    text = subprocess.run(["aarch64-linux-gnu-readelf", "-W", "-S", "-l", str(path)], capture_output=True,
                          text=True, env=tool_env(), check=True).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                       text, re.M)
    return secs, phdrs


def _main_insns(path) -> list[str]:
    out = subprocess.run(["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn", str(path)], capture_output=True,
                         text=True, env=tool_env(), check=True).stdout
    body = out.partition("<main>:\n")[2].partition("\n\n")[0]
    insns = [line.split("\t")[1] for line in body.splitlines() if "\t" in line]
    return insns[:insns.index("ret") + 1]


@pytest.mark.parametrize("mode", ["-static", "-no-pie"])
def test_undefweak_tls_ie_keeps_got(tmp_path, braze_lddir, mode):
    if not shutil.which(GCC):
        pytest.fail(f"{GCC} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "w.c").write_text(MAIN)
    b.run([GCC, "-O1", "-fno-pic", "-c", "w.c"])
    exes = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([GCC, *b.ld(linker), mode, "w.o", "-o", exe])
        exes.append(exe)
    assert "mrs" in _main_insns(exes[0])
    assert _main_insns(exes[1]) == _main_insns(exes[0])
    assert _view(exes[1]) == _view(exes[0])
    assert b.run([*QEMU, exes[1]]).stdout == b.run([*QEMU, exes[0]]).stdout == "4\n"
