"""PHDRS naming PT_GNU_EH_FRAME, against ld.bfd. Found linking Linux 6.1's vDSO: its script has
`eh_frame_hdr PT_GNU_EH_FRAME;` in PHDRS and `.eh_frame_hdr : { *(.eh_frame_hdr) } :text :eh_frame_hdr`
(linked with --eh-frame-hdr); braze refused the type ("program header type 0x6474e550 in PHDRS
is not supported"), so the kernel would not link. bfd makes it a segment like any listed one:
the sections assigned to it, flags from FLAGS() or the sections', alignment the sections'.

Compared: section and program headers (and the section-to-segment map)."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

SRC = r"""
int f(int x) { return x * 3 + 1; }
int g(int x) { return f(x) - 2; }
"""

SCRIPT = """PHDRS
{
  text PT_LOAD FLAGS(5) FILEHDR PHDRS;
  dynamic PT_DYNAMIC FLAGS(4);
  note PT_NOTE FLAGS(4);
  eh_frame_hdr PT_GNU_EH_FRAME %s;
}
SECTIONS
{
  . = SIZEOF_HEADERS;
  .hash : { *(.hash) } :text
  .gnu.hash : { *(.gnu.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .gnu.version : { *(.gnu.version) }
  .gnu.version_d : { *(.gnu.version_d) }
  .gnu.version_r : { *(.gnu.version_r) }
  .dynamic : { *(.dynamic) } :text :dynamic
  .rodata : { *(.rodata*) } :text
  .note : { *(.note.*) } :text :note
  .eh_frame_hdr : { *(.eh_frame_hdr) } :text :eh_frame_hdr
  .eh_frame : { KEEP (*(.eh_frame)) } :text
  .text : { *(.text*) } :text
  /DISCARD/ : { *(.data .data.* .bss .bss.*) *(.comment) }
}
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ehphdr"), braze_lddir)
    (w.root / "s.c").write_text(SRC)
    (w.root / "flags.lds").write_text(SCRIPT % "FLAGS(4)")
    (w.root / "noflags.lds").write_text(SCRIPT % "")
    w.run(["gcc", "-O2", "-fPIC", "-c", "s.c"])
    return w


def _rows(w, path) -> str:
    s = w.run(["readelf", "-W", "-S", "-l", path]).stdout
    # (.symtab/.strtab order and size differ as known and accepted)
    return "\n".join(l for l in s.splitlines() if not re.search(r"\.s?h?strtab|\.symtab|headers, starting at", l))


@pytest.mark.parametrize("build_id", [[], ["-Wl,--build-id=sha1"]])
@pytest.mark.parametrize("script", ["flags.lds", "noflags.lds"])
def test_phdrs_gnu_eh_frame_vs_bfd(work, script, build_id):
    res = {}
    for linker in ("bfd", "test"):
        out = f"{script}-{len(build_id)}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "-nostdlib", "-Wl,--eh-frame-hdr", "-Wl,--hash-style=both",
                  "-Wl,-Bsymbolic", *build_id, "-T", script, "s.o", "-o", out])
        res[linker] = _rows(work, out)
    assert "GNU_EH_FRAME" in res["bfd"]
    assert res["test"] == res["bfd"]
