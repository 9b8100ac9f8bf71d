"""MAX/MIN assigned inside an output section, against ld.bfd on x86-64 and aarch64 (found by
tools/fuzz/run.py --kind scripts --arch aarch64, seed 45: `MIN(ADDR(.init_array), .)` in .text).

bfd's fold_binary treats MAX/MIN as the other binary operators for the operands' sections (two
different sections: both made absolute) but gives them no arith_result_section, so the result is not
turned into a bare number: absolute for two sections (a number would be section-relative where it is
assigned), the section for two offsets in one section. braze made both a number, so the symbol got
the output section's address added once more (seed 45: 0x800b00 for bfd's 0x400580).

Compared: the symbol rows (value, section name or ABS) and the program's output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

NAMES = ("mn_a", "mn_b", "mn_c", "mn_d", "mn_e")

SCRIPT = """SECTIONS
{
  .mn : {
    mn_a = MIN(ADDR(.text), .);
    LONG(1)
    mn_b = MAX(., ADDR(.mn) + 2);
    mn_c = MAX(ADDR(.text), ADDR(.rodata));
    mn_d = MIN(., 0x10);
    mn_e = MAX(ABSOLUTE(.), ADDR(.text)) + 1;
  }
}
INSERT AFTER .rodata;
"""

MAIN = r"""#include <stdio.h>
extern const char mn_a[], mn_b[], mn_c[], mn_d[], mn_e[];
int main(void) {
  printf("%lx %lx %lx %lx %lx\n", (unsigned long)mn_a, (unsigned long)mn_b, (unsigned long)mn_c,
         (unsigned long)mn_d, (unsigned long)mn_e);
  return 0;
}
"""

ARCHES = {"x86_64": ("gcc", "readelf", []),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf",
                      ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])}


def _rows(readelf, path) -> list[tuple]:
    out = subprocess.run([readelf, "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    syms = out.partition("Symbol table '.symtab'")[2]
    return sorted((f[7], f[1], secs.get(f[6], f[6])) for f in (line.split() for line in syms.splitlines())
                  if len(f) >= 8 and f[7] in NAMES)


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_min_max_in_section(tmp_path, braze_lddir, arch):
    cc, readelf, runner = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "ins.ld").write_text(SCRIPT)
    b.run([cc, "-O2", "-fno-pic", "-c", "main.c"])
    rows, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-no-pie", "main.o", "-Wl,-T,ins.ld", "-o", exe])
        rows.append(_rows(readelf, exe))
        outs.append(b.run([*runner, exe]).stdout)
    assert len(rows[0]) == len(NAMES)
    assert rows[1] == rows[0]
    assert outs[1] == outs[0]
