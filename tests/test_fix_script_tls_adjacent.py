"""A section between .tdata and .tbss in the section list, against ld.bfd (found by tools/fuzz/run.py
--kind scripts, x86-64 seeds 191, 297).

bfd's default segment map makes one PT_TLS of the TLS sections as they follow each other in its
section list, which is the header order (an ADDR() ahead of a section's statement creates that
section's header there): any other section between them, allocated or not, is its error "TLS sections
are not adjacent". A section that is removed (empty) does not count, nor does the order of the
statements when the headers put the TLS sections together. braze linked all of them.

Compared: bfd fails and braze fails naming the script; in the near variants both link, with the same
PT_TLS."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

PROG = r"""__thread int td = 5;
__thread int tb;
int data = 3;
__attribute__((section(".orph"))) int orph = 4;
void _start(void) { td++; tb++; for (;;); }
"""

HEAD = "SECTIONS {\n  . = 0x400000;\n  .text : { *(.text) %s}\n"
TAIL = "  .data : { *(.data) }\n  /DISCARD/ : { *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) }\n}\n"
TDATA, TBSS = "  .tdata : { *(.tdata) }\n", "  .tbss : { *(.tbss) }\n"

CASES = {
    # name: (mention in .text, statements between .text and .data, bfd refuses)
    "data-between": ("", TDATA + "  .fz : { LONG(1) }\n" + TBSS, True),
    "dot-between": ("", TDATA + "  .fz : { . += 4; }\n" + TBSS, True),
    "noalloc-between": ("", TDATA + "  .comment 0 : { *(.comment) }\n" + TBSS, True),
    "tbss-first": ("", TBSS + "  .fz : { LONG(1) }\n" + TDATA, True),
    "addr-early": ("x = ADDR(.tdata); ", "  .fz : { LONG(1) }\n" + TDATA + TBSS, True),
    "empty-between": ("", TDATA + "  .fz : { x = .; }\n" + TBSS, False),
    "adjacent": ("", "  .fz : { LONG(1) }\n" + TDATA + TBSS, False),
    "orphan-between": ("", TDATA + TBSS, False),
}


def _tls_phdr(path) -> list:
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return re.findall(r"^\s*TLS\s.*$", out, re.M)


@pytest.mark.parametrize("case", sorted(CASES))
def test_tls_sections_adjacent(tmp_path, braze_lddir, case):
    mention, middle, refused = CASES[case]
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(PROG)
    (tmp_path / "s.ld").write_text(HEAD % mention + middle + TAIL)
    b.run(["gcc", "-O1", "-fno-pic", "-c", "t.c"])
    res = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "t.o", "-Wl,-T,s.ld", "-o", exe],
                  check=False)
        res.append((p, exe))
    (pb, _), (pt, exe) = res
    if refused:
        assert pb.returncode != 0 and "TLS sections are not adjacent" in pb.stderr, pb.stderr
        assert pt.returncode != 0 and "braze: error: s.ld: TLS sections are not adjacent" in pt.stderr, pt.stderr
        assert "Traceback" not in pt.stderr and not exe.exists()
    else:
        assert pb.returncode == 0, pb.stderr
        assert pt.returncode == 0, pt.stderr
        assert _tls_phdr(res[1][1]) == _tls_phdr(res[0][1]) != []
