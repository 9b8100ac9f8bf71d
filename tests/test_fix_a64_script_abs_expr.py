"""aarch64 -shared: which script symbols bfd's check_relocs takes for values (absolute, a narrow
R_AARCH64_ABS32 against them is fine in PIC output) or addresses (refused "can not be used when
making a shared object"). Linux's arm64 vmlinux (-shared under CONFIG_RELOCATABLE) has, at top
level, `_kernel_size_le_lo32 = (((_end - _text) & 0xffffffff) & 0xffffffff)` with `_text = .`
inside .head.text: bfd's fold_binary makes operands of two sections absolute, and arithmetic on
values of one section is absolute at top level; braze took the expression as section-relative
(the largest kind of its operands) and refused head.o's `.long _kernel_size_le_lo32`. Compared
with aarch64 ld.bfd: accepted or refused alike, same symbol value and section."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

PREFIX = "aarch64-linux-gnu-"
SCRIPT = """
SECTIONS {{
  . = 0x10000;
  .head.text : {{ _text = .; KEEP(*(.head.text)) }}
  .text : {{ *(.text*) }}
  . = ALIGN(0x1000);
  mid = .;
  .data : {{ *(.data*) {inside} }}
  _end = .;
  /DISCARD/ : {{ *(.note.GNU-stack) *(.eh_frame) }}
{top}
}}
absv = 0x20;
"""
ASM = '  .section .head.text,"ax"\n  .word sz\n  .text\n  .globl f\nf: ret\n  .data\n  .quad 0\n'
TOP = ["_end - _text", "(((_end - _text) & 0xffffffff) & 0xffffffff)", "((_end - _text) >> 32) & 0xffffffff",
       "_text + 4", "_end + 4", "_end - mid", "_text - _text", "absv + _text", "ABSOLUTE(_text)",
       "_text & 0xfff", "mid & 0xfff", "_text * 1", "4 + 4"]
INSIDE = ["_text + 4", "_text - _text", "absv + _text", "ABSOLUTE(_text)", "_text & 0xfff", "mid & 0xfff",
          "mid - _text", "4 + 4"]


def _sz(path) -> str:
    out = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in out.splitlines() if ln.endswith(" sz")]
    return " ".join(rows[-1][1:]) if rows else ""


@pytest.mark.parametrize("where,expr", [("top", e) for e in TOP] + [("inside", e) for e in INSIDE])
def test_a64_script_abs_expr(tmp_path, direct_ld, where, expr):
    if not shutil.which(PREFIX + "as") or not shutil.which(PREFIX + "ld.bfd"):
        pytest.skip("no aarch64 toolchain")
    stmt = f"sz = {expr};"
    (tmp_path / "x.lds").write_text(SCRIPT.format(top=stmt if where == "top" else "",
                                                  inside=stmt if where == "inside" else ""))
    (tmp_path / "y.s").write_text(ASM)
    subprocess.run([PREFIX + "as", "y.s", "-o", "y.o"], cwd=tmp_path, check=True)
    args = ["-m", "aarch64linux", "-shared", "-z", "notext", "-T", "x.lds", "y.o"]
    pb = subprocess.run([PREFIX + "ld.bfd", *args, "-o", "b.so"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "m.so"], cwd=tmp_path, capture_output=True, text=True)
    assert "Traceback" not in pm.stderr
    refused = "can not be used when making a shared object"
    assert (refused in pm.stderr, pm.returncode == 0) == (refused in pb.stderr, pb.returncode == 0), \
        (pb.stderr, pm.stderr)
    if pb.returncode == 0:
        assert _sz(tmp_path / "m.so") == _sz(tmp_path / "b.so")
