"""An output section's `=fill` and FILL() as bfd evaluates them: while reading the script, against
ld.bfd (found by tools/fuzz/run.py --kind scripts, x86-64 seed 270: `} =0x1122 >ROM` is the fill
expression `0x1122 > ROM`, bfd's "nonconstant expression for fill value", also for a section that
ends up removed; braze linked).

bfd's exp_get_fill folds the expression as it reads it: a symbol (also one the script assigns before),
ADDR/SIZEOF/LOADADDR, ALIGN(n), NEXT or SIZEOF_HEADERS make it nonconstant, an error; `.` is 0 then,
DEFINED() false, ORIGIN() 0, LENGTH() ~0, CONSTANT() 0. The pattern is the digits of the 0x number
that gave the result last (`. + 0x11` fills with 0x11 bytes, a ternary's 0x22 with 0x22 bytes), else
the value's four bytes (`0x1122 + 0x1`: the parser folds numbers into a number without digits). braze
evaluated the fill at layout time, with the symbols' values.

Compared: bfd fails and braze fails naming the script; in the near variants both link with the same
section contents (the fill in the padding)."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

PROG = "int fn(void) { return 1; }\nint x = 5;\nvoid _start(void) { for (;;); }\n"

SCRIPT = """MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 1M  RAM (rw) : ORIGIN = 0x600000, LENGTH = 1M }
sym1 = 0x55;
SECTIONS {
  .text : { *(.text .text.*) } >ROM
  %s
  .data : { *(.data) } >RAM
  /DISCARD/ : { *(.note.GNU-stack) *(.eh_frame) *(.note.gnu.property) *(.comment) }
}
"""

SEC = ".fz : { BYTE(1) . = ALIGN(8); } "
REFUSED = ["=0x1122 >ROM", "=0x1122 > fn", "=fn", "=sym1", "=SIZEOF(.text)", "=ADDR(.text)", "=ALIGN(4)",
           "=LOADADDR(.text)", "=SIZEOF_HEADERS", "=1 ? fn : 1", "=DEFINED(fn) ? 1 : fn", "FILL(fn)", "=0x0090 >ROM",
           "empty =0x1122 >ROM"]
LINKED = ["=0x1122 + 1", "=0x1122 + 0x1", "=. + 0x11", "=DEFINED(fn) ? 0x11 : 0x22", "=-0x1", "=MAX(., 0x3)",
          "=MAX(0x12, 0x3)", "=ALIGN(7, 0x4)", "=ORIGIN(ROM) + 3", "=LENGTH(ROM)", "=CONSTANT(MAXPAGESIZE)",
          "=0 ? fn : 0x1", "=0x0090"]


def _fz(path) -> bytes:
    out = path.with_suffix(".fz")
    subprocess.run(["objcopy", "-O", "binary", "-j", ".fz", str(path), str(out)], env=tool_env(), check=True)
    return out.read_bytes()


@pytest.mark.parametrize("fill", REFUSED + LINKED)
def test_fill_expression(tmp_path, braze_lddir, fill):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(PROG)
    sec = ".fz : { FILL(fn); BYTE(1) . = ALIGN(8); }" if fill.startswith("FILL") else \
        ".fz : { *(.none) } " + fill[6:] if fill.startswith("empty") else SEC + fill    # (removed: still read)
    (tmp_path / "s.ld").write_text(SCRIPT % sec)
    b.run(["gcc", "-O1", "-fno-pic", "-c", "t.c"])
    res = []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "-no-pie", "t.o", "-Wl,-T,s.ld", "-o", exe],
                  check=False)
        res.append((p, exe))
    (pb, eb), (pt, et) = res
    if fill in REFUSED:
        assert pb.returncode != 0 and "nonconstant expression for fill value" in pb.stderr, pb.stderr
        assert pt.returncode != 0 and "braze: error: s.ld:" in pt.stderr, pt.stderr
        assert "nonconstant expression for fill value" in pt.stderr and "Traceback" not in pt.stderr
        assert not et.exists()
    else:
        assert pb.returncode == 0, pb.stderr
        assert pt.returncode == 0, pt.stderr
        assert _fz(et) == _fz(eb)
