"""ehparse.py (the compiled .eh_frame loops): hand-written .eh_frame records with FDE pointer encodings other
than gcc's pcrel|sdata4 (udata4 absolute, pcrel|sdata8), CIEs and FDEs with trailing DW_CFA_nop padding, and
an FDE covering no code: braze's .eh_frame and .eh_frame_hdr (sorted search table) must be bfd's, byte for byte
once addresses agree, and the programs must behave the same."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")


class Build(BuildDir):
    def link(self, linker: str, out: str, inputs, *flags: str):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        path = d / out
        self.run(["gcc", *self.ld(linker), *map(str, inputs), *flags, "-o", path], cwd=d)
        return path


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("ehparse"), braze_lddir)

EH_S = """
        .text
        .globl main
        .type main, @function
main:   xorl %eax, %eax
        ret
main_end:
        .type g, @function
g:      ret
g_end:
        .type h, @function
h:      ret
h_end:
        .section .eh_frame,"a",@unwind
cie_a:  .long cie_a_end - cie_a - 4
        .long 0
        .byte 1
        .string "zR"
        .uleb128 1
        .sleb128 -8
        .uleb128 16
        .uleb128 1
        .byte 0x03                  # FDE pointers: DW_EH_PE_udata4 (absolute)
        .byte 0x0c, 7, 8            # DW_CFA_def_cfa rsp+8
        .byte 0x90, 1               # DW_CFA_offset rip
        .balign 16, 0               # DW_CFA_nop padding
cie_a_end:
fde_h:  .long fde_h_end - fde_h - 4
        .long . - cie_a
        .long h
        .long h_end - h
        .uleb128 0
        .byte 0x0e, 16              # DW_CFA_def_cfa_offset 16
        .balign 16, 0
fde_h_end:
fde_m:  .long fde_m_end - fde_m - 4
        .long . - cie_a
        .long main
        .long main_end - main
        .uleb128 0
        .balign 4, 0
fde_m_end:
fde_e:  .long fde_e_end - fde_e - 4    # covers no code: dropped
        .long . - cie_a
        .long g
        .long 0
        .uleb128 0
fde_e_end:
cie_b:  .long cie_b_end - cie_b - 4
        .long 0
        .byte 1
        .string "zR"
        .uleb128 1
        .sleb128 -8
        .uleb128 16
        .uleb128 1
        .byte 0x1c                  # FDE pointers: DW_EH_PE_pcrel|sdata8
        .byte 0x0c, 7, 8
        .byte 0x90, 1
        .balign 16, 0
cie_b_end:
fde_g:  .long fde_g_end - fde_g - 4
        .long . - cie_b
        .quad g - .
        .quad g_end - g
        .uleb128 0
        .byte 0x02, 1, 0x0e, 16     # DW_CFA_advance_loc1 1, DW_CFA_def_cfa_offset 16
        .balign 16, 0
fde_g_end:
        .section .note.GNU-stack,"",@progbits
"""


def _section(path, name: str) -> tuple[int, bytes]:
    """(address, contents) of a section."""
    env = tool_env()
    sh = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, env=env).stdout
    m = re.search(re.escape(name) + r"\s+\S+\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)", sh)
    assert m, sh
    addr, off, size = (int(x, 16) for x in m.groups())
    return addr, path.read_bytes()[off:off + size]


def test_eh_frame_pointer_encodings(build):
    src = build.root / "ehenc.s"
    src.write_text(EH_S)
    obj = build.root / "ehenc.o"
    build.run(["gcc", "-c", src, "-o", obj])
    exes = {ln: build.link(ln, "ehenc", [obj], "-no-pie") for ln in LINKERS}
    for exe in exes.values():
        assert subprocess.run([str(exe)], timeout=30).returncode == 0
    views = {}
    for ln, exe in exes.items():
        text = _section(exe, ".text")[0]
        eh_addr, eh = _section(exe, ".eh_frame")
        hdr_addr, hdr = _section(exe, ".eh_frame_hdr")
        # the table, as (function - .text, FDE - .eh_frame) pairs: independent of where bfd and braze put things
        n = int.from_bytes(hdr[8:12], "little")
        table = [(int.from_bytes(hdr[12 + 8 * i:16 + 8 * i], "little", signed=True) + hdr_addr - text,
                  int.from_bytes(hdr[16 + 8 * i:20 + 8 * i], "little", signed=True) + hdr_addr - eh_addr)
                 for i in range(n)]
        frames = subprocess.run(["readelf", "-W", "--debug-dump=frames", str(exe)], capture_output=True,
                                text=True, env=tool_env()).stdout
        # record offsets, lengths and CIE links; pc ranges made relative to .text
        recs = re.findall(r"^([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) (CIE|FDE)(?: cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+))?",
                          frames, re.M)
        recs = [(o, ln_, c, kind, cie, int(lo, 16) - text if lo else 0, int(hi, 16) - text if hi else 0)
                for o, ln_, c, kind, cie, lo, hi in recs]
        views[ln] = (len(eh), hdr[:4], n, sorted(table), recs)
    assert views["test"] == views["bfd"]
    assert views["bfd"][2] >= 3          # main, g, h (and the crt files' FDEs)
