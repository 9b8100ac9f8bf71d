"""aarch64: the linker-made .plt's alignment in a SECTIONS script, against aarch64 ld.bfd (qemu).

bfd's aarch64 .plt input section is 4-aligned (its default script's `.plt : ALIGN(16)` makes the
output 16-aligned); braze gave it 16 whatever the statement, so `.plt : { *(.plt) *(.iplt) }` got
sh_addralign 16 and an address 8 bytes later than bfd's, and `.plt : ALIGN(16) { BYTE(1) *(.plt) }`
put the PLT at offset 16 where bfd puts it at 4 (every PLT entry, GOT slot value and symbol after
it moved). Compared as test_fix_script_syn_lead.py compares (headers, symbols, dynamic section and
relocations, PLT0, .eh_frame_hdr, the program's output with lazy binding)."""
from __future__ import annotations

import pytest

from test_fix_script_syn_lead import ARCHES, _case_dir, _exec, _link, _program, _view

NO_ALIGN = ("ALIGN(16) {", "{")
CASES = [("pie", "{}", NO_ALIGN), ("exe", "BYTE(1) {}", None), ("shared", "BYTE(1) {}", NO_ALIGN),
         ("static", "BYTE(1) {}", None), ("static", "{}", NO_ALIGN)]


@pytest.mark.parametrize("mode,tmpl,sub", CASES, ids=[f"{m}-{i}" for i, (m, _t, _s) in enumerate(CASES)])
def test_a64_plt_align(tmp_path, braze_lddir, mode, tmpl, sub):
    d = _case_dir(tmp_path, "a64", mode, ".plt", tmpl)
    if sub is not None:
        text = (d / "s.ld").read_text()
        head, brace, rest = text.partition(".plt            : " + sub[0])
        assert brace, "bfd's aarch64 script has `.plt : ALIGN(16)`"
        (d / "s.ld").write_text(head + ".plt : " + sub[1] + rest)
    outs = _link(d, "a64", mode, braze_lddir)
    assert isinstance(outs, dict), outs
    prefix = ARCHES["a64"][0]
    vb, vt = _view(outs["bfd"], prefix), _view(outs["braze"], prefix)
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs: bfd {vb[k]}\nbraze {vt[k]}"
    rb = _exec("a64", _program(d, "a64", mode, "bfd", outs["bfd"]))
    rt = _exec("a64", _program(d, "a64", mode, "braze", outs["braze"]))
    assert rb[0] == 0 and rb[1], rb
    assert rt == rb
