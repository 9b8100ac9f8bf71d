"""The section (absolute or section-relative) and value of script symbols, for a table of expression
forms assigned at top level in SECTIONS (after an output section, and after `. = ALIGN(..)`) and
inside an output section, against ld.bfd in -no-pie, -pie and -shared links, with and without
LD_FEATURE("SANE_EXPR") (found by tools/fuzz/run.py --kind scripts: `ADDR(.text) + 1` at top level
is absolute in bfd, braze had it in .text; `MAX(_start, ADDR(.text))` the reverse).

bfd's rules (ldexp.c as 2.40 behaves; the ld manual's "The Section of an Expression"): outside an
output section a number is absolute, not a bare number (unless SANE_EXPR), so `ADDR(.text) + 1`
combines two sections and is made absolute; two values of one section keep it under MAX/MIN/ALIGN
and lose it under arithmetic; unary `-`, `~`, `!` and the ternary's test work on the offset within
the section (`!ADDR(.text)` is .text + 1); a value read from `.` that ends absolute goes into the
section of `.` (`(. > 0) + 1`), references to a symbol see its value before that move.

Compared: each symbol's value and section (by name, or ABS), and in the PIE the address the program
takes of each (no ASLR)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

FORMS = """. ; . + 4 ; 4 + . ; ALIGN(8) ; ALIGN(3) ; ALIGN(., 8) ; ALIGN(ADDR(.text), 4) ;
ALIGN(ADDR(.text) + 3, 16) ; ALIGN(ADDR(.fz) + 1, 0x100) ; ALIGN(fn, 3) ; ADDR(.text) ; ADDR(.text) + 1 ;
1 + ADDR(.text) ; ADDR(.text) - 1 ; ADDR(.text) * 1 ; ADDR(.text) & ~0xf ; ADDR(.text) | 1 ;
ADDR(.rodata) + SIZEOF(.rodata) ; SIZEOF(.text) + ADDR(.text) ; SIZEOF(.text) ; LOADADDR(.text) + 1 ;
fn ; fn + 1 ; main - fn ; fn - ADDR(.text) ; ADDR(.text) - fn ; . - ADDR(.text) ; ADDR(.text) - . ;
MAX(fn, ADDR(.text)) ; MIN(fn, ADDR(.text)) ; MAX(fn, 0x10) ; MAX(0x10, fn) ; MAX(., 0x10) ;
MIN(., ADDR(.rodata)) ; MAX(ADDR(.text), ADDR(.rodata)) ; MAX(1, 2) ; ABSOLUTE(.) ; ABSOLUTE(fn) ;
ABSOLUTE(.) + 1 ; 0x1234 ; 1 + 2 ; fz_abs ; fz_abs + 1 ; fz_abs + . ; fz_abs + fn ; MAX(fz_abs, .) ;
. > ADDR(.text) ? . : 0 ; . > ADDR(.text) ; (. > 0) + 1 ; . == . ; fn > 0 ? fn : 0 ; 1 > 0 ? fn : 0 ;
ADDR(.text) ? 1 : 2 ; -fn ; ~ADDR(.text) ; ~fn + 1 ; !ADDR(.text) ; !fn ; ADDR(.text) && 1 ; fn || 0 ;
ADDR(.text) == 0 ; CONSTANT(MAXPAGESIZE) + . ; NEXT(0x10) ; LOG2CEIL(fn) ; fn / 2 ;
fn % 0x10 ; -(fn - ADDR(.text)) / 2 ; -(fn - ADDR(.text)) % 3 ; fn << 1 ; fn >> 1 ; . & 0xfff ;
gv ; gv + 1 ; gv - fn ; rov + 0 ; DEFINED(fn) ? fn + 1 : 0 ; SEGMENT_START("text-segment", 0x1000) ;
fz_dot ; fz_dot + 1 ; fz_dot - fn ; fz_rel ; fz_rel + 1 ; fz_addr ; fz_num + fn ; fz_c ; fz_d ;
fz_dot + (. - .) ; ABSOLUTE(fz_abs) + (. - .) ; ABSOLUTE(fz_rel)"""
FORMS = [f.strip() for f in FORMS.split(";")]
# (fz_c and fz_d: `+=` on a number and on a symbol)
DEFS = "fz_abs = 0x1234; fz_dot = .; fz_rel = fn; fz_addr = ADDR(.text) + 1; fz_num = 3 > 2;\n" \
       "  fz_c = 7; fz_c += 1; fz_d = fn; fz_d += 2;\n"
NAMES = [f"{p}_{i}" for p in "abc" for i in range(len(FORMS))]


def _script(sane: bool) -> str:
    a = "".join(f"  a_{i} = {f};\n" for i, f in enumerate(FORMS))
    b = a.replace("  a_", "  b_")
    c = a.replace("  a_", "    c_")
    return ('LD_FEATURE("SANE_EXPR")\n' if sane else "") + \
        f"SECTIONS {{\n  {DEFS}{a}  . = ALIGN(0x1000);\n{b}  .fz : {{ LONG(0)\n{c}    LONG(0) }}\n}}\n" \
        "INSERT AFTER .rodata;\n"


def _program() -> str:
    decl = "".join(f"extern char {n}[];\n" for n in NAMES)
    fill = "".join(f"  tab[{i}] = {n};\n" for i, n in enumerate(NAMES))
    return f"""#include <stdio.h>
{decl}static void *tab[{len(NAMES)}];
int gv = 1; const int rov = 2; void fn(void) {{}}
int main(void) {{
{fill}  for (unsigned i = 0; i < {len(NAMES)}; i++) printf("%u %lx\\n", i, (unsigned long)tab[i]);
  return 0;
}}
"""


def _rows(path) -> dict:
    """name -> (value, section name or ABS) of the table's symbols."""
    out = subprocess.run(["readelf", "-W", "-S", "-s", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M))
    syms = out.partition("Symbol table '.symtab'")[2]
    return {f[7]: (f[1], secs.get(f[6], f[6])) for f in (line.split() for line in syms.splitlines())
            if len(f) >= 8 and re.fullmatch(r"[abc]_\d+", f[7])}


@pytest.mark.parametrize("sane", [False, True], ids=["plain", "sane-expr"])
@pytest.mark.parametrize("mode", ["-no-pie", "-pie", "-shared"])
def test_expression_forms(tmp_path, braze_lddir, mode, sane):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(_program() if mode != "-shared" else
                                  "int gv = 1; const int rov = 2; void fn(void) {} int main(void) { return 0; }\n")
    (tmp_path / "s.ld").write_text(_script(sane))
    b.run(["gcc", "-O0", "-fPIC" if mode == "-shared" else "-fPIE", "-c", "m.c"])
    rows, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "m.o", "-Wl,-T,s.ld", "-o", exe])
        rows.append(_rows(exe))
        if mode != "-shared":       # (no ASLR: the PIE's addresses are the same each run)
            outs.append(b.run(["setarch", "x86_64", "-R", exe]).stdout.splitlines())
    assert sorted(rows[0]) == sorted(NAMES)
    diff = [f"{n} = {FORMS[int(n[2:])]}: bfd {rows[0][n]}, braze {rows[1].get(n)}"
            for n in NAMES if rows[1].get(n) != rows[0][n]]
    if outs:
        assert len(outs[0]) == len(NAMES)
        diff += [f"{NAMES[i]} = {FORMS[i % len(FORMS)]}: address bfd {x}, braze {y}"
                 for i, (x, y) in enumerate(zip(outs[0], outs[1])) if x != y]
    assert not diff, "\n".join(diff)
