"""The RELRO start and PT_GNU_RELRO with bfd's own -static script, edited, against ld.bfd (found by
tools/fuzz/run.py --kind scripts, seeds 33, 38, 92, 97, 105).

1. `. = ALIGN(128);` at the end of .init_array makes the padding depend on the base: the base that
   should end RELRO on a page boundary does not, and bfd falls back to a data segment that starts
   on the page boundary (braze: at DATA_SEGMENT_ALIGN's first value, off the page, and a
   PT_GNU_RELRO of zeros outside any PT_LOAD). ALIGN(64) and ALIGN(512) decide the other way.
2. A writable section ahead of DATA_SEGMENT_ALIGN starts the RW PT_LOAD below the RELRO range: bfd
   then makes no PT_GNU_RELRO (braze did).
3. An `ADDR(.got)` in a section ahead of the data segment creates .got's header early, and bfd's
   lang_size_relro_segment_1 walks the sections back in header order: .got, met last, takes its
   size off the base once more, the second walk then ends RELRO past its page and bfd reverts to
   the page boundary (braze walked in statement order and kept the padded base; seed 92).

Compared: the program's output, the section headers and the program headers."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

MAIN = r"""#include <stdio.h>
__thread long tv = 5;
static const char *const rr[3] = {"a", "b", "c"};       /* .data.rel.ro */
__attribute__((section(".fzw"), used)) long fzw[2] = {1, 2};
extern char __init_array_start[], __init_array_end[];
int main(void) {
  printf("%p %p %p %ld %s\n", (void *)rr, (void *)__init_array_start, (void *)__init_array_end, tv, rr[1]);
  return 0;
}
"""


def _default_script() -> str:
    out = subprocess.run(["ld.bfd", "--verbose", "-static"], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return out.split("==================================================")[1]


def _edit(script: str, case: str) -> str:
    s = script
    if case.startswith("align"):
        s, n = re.subn(r"(\.init_array\s*:\s*\{[^}]*?PROVIDE_HIDDEN \(__init_array_end = \.\);)",
                       rf"\1 . = ALIGN({case[5:] or 128});", s)
        assert n == 1
    if case == "addr":
        s, n = re.subn(r"(\n\s*\.rodata1\s*:[^\n]*\n)", r"\1  .fz1 : { LONG(0) fz_s1 = ADDR(.got); }\n", s)
        assert n == 1
    if case == "rw":
        s, n = re.subn(r"(\n\s*\.rodata1\s*:[^\n]*\n)", r"\1  .fzw : { *(.fzw) }\n", s)
        assert n == 1
    return s


def _headers(path) -> tuple:
    out = subprocess.run(["readelf", "-W", "-S", "-l", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    phdrs = re.findall(r"^\s+([A-Z_]+)\s+(0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x[0-9a-f]+.*)$",
                       out, re.M)
    secs = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)", out, re.M)
    return phdrs, [x for x in secs if int(x[2], 16)]        # (allocated ones: .strtab's contents differ)


@pytest.mark.parametrize("case", ["align", "align64", "align512", "rw", "addr"])
def test_relro_base_and_segment(tmp_path, braze_lddir, case):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "s.ld").write_text(_edit(_default_script(), case))
    b.run(["gcc", "-O2", "-fno-pic", "-c", "main.c"])
    got, outs = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-static", "main.o", "-Wl,-T,s.ld", "-o", exe])
        got.append(_headers(exe))
        outs.append(b.run([exe]).stdout)
    relro = [p for p in got[0][0] if p[0] == "GNU_RELRO"]
    assert bool(relro) == (case != "rw")
    assert outs[1] == outs[0]
    assert got[1] == got[0]
