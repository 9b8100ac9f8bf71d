"""Where bfd's default script puts the data segment under -z relro when a RELRO section's size depends
on its address (`. = ALIGN(256)` inside it), against ld.bfd on x86-64 and aarch64 (found by
tools/fuzz/run.py --kind scripts --arch aarch64, seed 71).

bfd's DATA_SEGMENT_ALIGN adds the offset in the page only without RELRO: under -z relro the first
sizing walk starts the segment on a page boundary, lang_size_relro_segment_1 moves each RELRO section
up from there by the sizes that walk gave, and a walk that grows the RELRO end past its page goes
back to that page-boundary base. braze walked from base + offset first (and corrected only the RELRO
end it aimed at), so an address-dependent size came out different: another base, another .fz1 size,
or the revert to another start (aarch64: 0x4107e8 for bfd's 0x410000).

Compared: the allocated sections (name, type, flags, address, size) and program headers, and the
program's output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, run_cmd, tool_env

ARCHES = {"x86_64": ("", []), "aarch64": ("aarch64-linux-gnu-", ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])}

MAIN = """#include <stdio.h>
__attribute__((section(".fz1"))) const char blob[{n}] = {{1}};
extern char __init_array_start[];
int main(void) {{ printf("%lx %d\\n", (unsigned long)__init_array_start, blob[0]); return 0; }}
"""


def _view(readelf: str, path) -> tuple:
    text = subprocess.run([readelf, "-W", "-S", "-l", str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s",
                      text, re.M)
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)",
                       text, re.M)
    return secs, phdrs


@pytest.mark.parametrize("size", [1, 64, 100])
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_relro_section_sized_by_address(tmp_path, braze_lddir, arch, size):
    prefix, runner = ARCHES[arch]
    if not shutil.which(prefix + "gcc"):
        pytest.fail(f"{prefix}gcc is missing (make deps installs it)")
    verbose = run_cmd([prefix + "ld.bfd", "--verbose"], tmp_path).stdout.splitlines()
    marks = [i for i, line in enumerate(verbose) if line.startswith("=====")]
    script = "\n".join(verbose[marks[0] + 1:marks[1]]) + "\n"
    assert "DATA_SEGMENT_RELRO_END" in script
    script = script.replace("  .got            :", "  .fz1 : { *(.fz1) . = ALIGN(256); BYTE(1) }\n  .got            :", 1)
    (tmp_path / "def.ld").write_text(script)
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN.format(n=size))
    b.run([prefix + "gcc", "-O1", "-fno-pic", "-c", "m.c"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([prefix + "gcc", *b.ld(linker), "-no-pie", "m.o", "-Wl,-T,def.ld", "-o", exe])
        views.append(_view(prefix + "readelf", exe))
        outs.append(b.run([*runner, exe]).stdout)
    assert any(s[0] == ".fz1" for s in views[0][0])
    assert views[1] == views[0]
    assert outs[1] == outs[0]
