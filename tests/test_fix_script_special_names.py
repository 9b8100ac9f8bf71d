"""The header of an output section a script's data or assignments make (no input section), against
ld.bfd on x86-64 and aarch64 (found by tools/fuzz/run.py --kind scripts, x86-64 seeds 14 and 134:
`.tbss : { . += 3; ... }` in a program without TLS).

bfd gives such a section the flags of its name's entry in the ELF special-section table (the
target's entries first: x86-64's large-model .lbss/.ldata/.lrodata), in the header only: .tbss is
WAT but takes room like any NOBITS section and makes no PT_TLS. Data make it a NOTE (.note*) or an
array (.init_array...), whose sh_entsize is 8 even when it stays NOBITS. braze wrote the flags its
contents gave (WA or A) and PROGBITS.

Compared: the allocated sections (name, type, address, size, entry size, flags), the program headers
and the program's output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, run_cmd, tool_env

ARCHES = {"x86_64": ("", []), "aarch64": ("aarch64-linux-gnu-", ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])}

MAIN = r"""#include <stdio.h>
extern char fz_t[], fz_l[];
int main(void) { printf("%ld\n", (long)(fz_l - fz_t)); return 0; }
"""

# ahead of .tdata: sections no input fills, by assignments or by data
ADDED = """  .tbss.fz : { fz_t = .; . += 3; }
  .text.fz : { . += 5; }
  .lrodata.fz : { LONG(1) }
  .note.fz : { LONG(4) LONG(4) LONG(0x99) LONG(0x7a66) LONG(0) }
  .preinit_array.fz : { . += 16; }
  .data.fz : { LONG(2) fz_l = .; }
"""


def _view(readelf: str, path) -> tuple:
    text = subprocess.run([readelf, "-W", "-S", "-l", str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                       text, re.M)
    return secs, phdrs


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_script_made_section_header(tmp_path, braze_lddir, arch):
    prefix, runner = ARCHES[arch]
    if not shutil.which(prefix + "gcc"):
        pytest.fail(f"{prefix}gcc is missing (make deps installs it)")
    verbose = run_cmd([prefix + "ld.bfd", "--verbose"], tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    script = "\n".join(verbose[marks[0] + 1:marks[1]]) + "\n"
    script, n = re.subn(r"\n(\s*\.tdata\s*:)", "\n" + ADDED.replace("\\", "\\\\") + r"\1", script, count=1)
    assert n == 1
    (tmp_path / "s.ld").write_text(script)
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    b.run([prefix + "gcc", "-O1", "-fno-pic", "-c", "m.c"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([prefix + "gcc", *b.ld(linker), "-no-pie", "m.o", "-Wl,-T,s.ld", "-o", exe])
        views.append(_view(prefix + "readelf", exe))
        outs.append(b.run([*runner, exe]).stdout)
    tbss = [s for s in views[0][0] if s[0] == ".tbss.fz"]
    assert tbss and "T" in tbss[0][5] and tbss[0][1] == "NOBITS"
    assert views[1] == views[0]
    assert outs[1] == outs[0]
