"""Which aarch64 address relocations bfd accepts in PIE and shared output, and what it writes, against
aarch64 ld.bfd.

bfd's rules (its check_relocs, then the relocation pass), which braze did not follow:
- R_AARCH64_ABS16/ABS32 need an absolute symbol or an undefined one, judged before the layout: a
  linker-script symbol by its expression then (`a = .` is an address, `d = a + 4` a value, `e =
  ADDR(.s)` still undefined); a local symbol is always refused.  braze accepted `a` and wrote the
  link-time address into a PIE, and refused values (`b = 0x1234`) in a library.
- MOVW_UABS_G0_NC/G1_NC/G2_NC/G3 are refused in any PIC output, whatever the symbol; the checked
  MOVW forms (G0/G1/G2, SABS) are accepted with the link-time value (braze refused them).
- PC-relative forms (PREL*, ADR/ADRP, LD literal, MOVW_PREL) bind to the definition here, and are
  refused only in read-only sections against a symbol that may bind elsewhere (braze refused them in
  writable data too); against an undefined weak symbol they resolve to the place itself (the field
  holds the addend; braze wrote 0 - P, in executables too).
- CONDBR19/TSTBR14 never use a PLT entry (braze made one for a preemptible target); an undefined
  target or a library's is an error.
- A misaligned LD_PREL_LO19 literal is "truncated to fit".
- PIC output has no copy relocation or canonical PLT entry for these: a library's symbol is refused
  ("unresolvable", or "may bind externally" from code); braze made a copy, and for a function in a
  PIE wrote the address as 0.
- A word with a symbolic R_AARCH64_ABS64 keeps the input's bytes (braze wrote S + A), and a pointer to
  a protected data symbol in a library stays symbolic (braze made it RELATIVE).
Compared: whether both link, and where both do, the section's bytes and the dynamic relocations."""
from __future__ import annotations

import subprocess

import pytest

import a64_harness as H
from elfrows import dyn_relocs, section_words, tool
from harness import tool_env

SCRIPT = ("SECTIONS { a = .; b = 0x1234; .fz : { c = .; LONG(0) f = ABSOLUTE(.); } d = a + 4; "
          "e = ADDR(.fz); g = b + 1; h = SIZEOF(.fz); } INSERT AFTER .rodata;\n")
DEFS = """\t.section .od,"aw"
\t.globl x
x:\t.xword 0
l:\t.xword 0
\t.globl z
\t.set z, 0x4321
\t.set la, 0x1110
\t.weak w
"""
LIB = "\t.data\n\t.globl sl\n\t.type sl,%object\n\t.size sl,8\nsl:\t.xword 0\n\t.text\n\t.globl sf\n\t.type sf,%function\nsf:\tret\n"
DATA = '.section .dt,"aw"'
CODE = '.section .tx,"ax"'

# (relocation, symbol, output, section): each linked by bfd and by braze
CASES = [
    # ABS16/ABS32: values and undefined symbols only
    ("ABS32", "a", "-pie", DATA), ("ABS16", "a", "-pie", DATA), ("ABS32", "c", "-pie", DATA),
    ("ABS32", "b", "-shared", DATA), ("ABS32", "d", "-shared", DATA), ("ABS16", "e", "-shared", DATA),
    ("ABS32", "f", "-shared", CODE), ("ABS32", "h", "-shared", DATA), ("ABS32", "z", "-shared", DATA),
    ("ABS32", "u", "-shared", DATA), ("ABS32", "w", "-shared", DATA), ("ABS32", "la", "-pie", DATA),
    # MOVW
    ("MOVW_UABS_G0_NC", "z", "-pie", CODE), ("MOVW_UABS_G1_NC", "b", "-pie", CODE),
    ("MOVW_UABS_G3", "d", "-pie", CODE), ("MOVW_UABS_G1_NC", "la", "-shared", CODE),
    ("MOVW_UABS_G1", "x", "-pie", CODE), ("MOVW_UABS_G2", "l", "-shared", CODE),
    ("MOVW_SABS_G1", "x", "-shared", CODE), ("MOVW_UABS_G0", "z", "-shared", CODE),
    # PC-relative: writable data binds here, read-only code refuses a preemptible target
    ("PREL32", "x", "-shared", DATA), ("PREL64", "u", "-shared", DATA), ("PREL32", "x", "-shared", CODE),
    ("ADR_PREL_PG_HI21", "x", "-shared", DATA), ("ADR_PREL_PG_HI21", "x", "-shared", CODE),
    ("ADD_ABS_LO12_NC", "x", "-shared", CODE), ("LDST64_ABS_LO12_NC", "u", "-shared", CODE),
    ("MOVW_PREL_G1_NC", "z", "-shared", DATA), ("ADR_PREL_LO21", "a", "-shared", DATA),
    # undefined weak: the place itself
    ("PREL32", "w", "-pie", DATA), ("PREL64", "w", "-no-pie", DATA), ("ADR_PREL_PG_HI21", "w", "-no-pie", CODE),
    ("ADR_PREL_LO21", "w", "-pie", CODE), ("PREL16", "w", "-shared", DATA), ("MOVW_PREL_G0", "w", "-pie", DATA),
    ("LD_PREL_LO19", "w", "-no-pie", CODE),
    # a PIE's address of a library's symbol: refused (braze made a copy relocation, and for a function
    # wrote the address as 0)
    ("PREL32", "sf", "-pie", CODE), ("ADR_PREL_PG_HI21", "sf", "-pie", CODE), ("PREL32", "sl", "-pie", DATA),
    ("ADD_ABS_LO12_NC", "sl", "-pie", CODE),
    # conditional branches
    ("CONDBR19", "x", "-shared", CODE), ("TSTBR14", "z", "-shared", CODE), ("CONDBR19", "u", "-shared", CODE),
    ("CONDBR19", "w", "-pie", CODE), ("TSTBR14", "w", "-shared", CODE), ("CONDBR19", "sl", "-shared", CODE),
    # a pointer with a symbolic dynamic relocation keeps the input's bytes; a protected symbol's too
    ("ABS64", "x", "-shared", DATA), ("ABS64", "pd", "-shared", DATA), ("ABS64", "sl", "-pie", DATA),
    # a misaligned literal
    ("LD_PREL_LO19", "g", "-shared", DATA), ("LD_PREL_LO19", "g", "-pie", CODE),
]


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64lib")
    (d / "lib.s").write_text(LIB)
    tool(["as", "lib.s", "-o", "lib.o"], d, H.PREFIX)
    tool(["ld.bfd", "-shared", "lib.o", "-o", "lib.so"], d, H.PREFIX)
    return d / "lib.so"


def _result(cmd, cwd, out, sec):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(), timeout=120)
    assert "Traceback" not in p.stderr, p.stderr
    if p.returncode:
        assert not (cwd / out).exists()
        return "error"
    return dyn_relocs(out, cwd, H.PREFIX), section_words(out, cwd, sec, H.PREFIX)


@pytest.mark.parametrize("reloc,sym,mode,sec", CASES, ids=[f"{r}-{s}{m}-{'text' if c == CODE else 'data'}"
                                                           for r, s, m, c in CASES])
def test_a64_pic_reloc_vs_bfd(tmp_path, direct_ld, lib, reloc, sym, mode, sec):
    (tmp_path / "t.ld").write_text(SCRIPT)
    (tmp_path / "r.s").write_text(f"\t{sec}\n\t.p2align 3\n\t.reloc ., R_AARCH64_{reloc}, {sym}\n\t.xword 0\n" + DEFS)
    tool(["as", "r.s", "-o", "r.o"], tmp_path, H.PREFIX)
    name = sec.split()[1].split(",")[0]
    got = {who: _result([*cmd, mode, "r.o", "-T", "t.ld", str(lib), "-o", who], tmp_path, who, name)
           for who, cmd in (("bfd", [H.PREFIX + "ld.bfd"]), ("braze", direct_ld))}
    assert got["braze"] == got["bfd"]
