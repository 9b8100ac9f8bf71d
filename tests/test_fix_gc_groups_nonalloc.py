"""--gc-sections and what no relocation reaches, compared with ld.bfd's outputs.

bfd keeps a COMDAT group whole when one of its sections is kept (final links too, not only -r); a
SHF_LINK_ORDER section (allocated or not) lives and dies with the section it is linked to; and of the
non-allocated sections it keeps, without a reference, only its debugging ones (known by name) and the
"special" ones without relocations, outside groups, and only in files where some allocated section
other than a note is kept.  So a file whose code all went takes its DWARF along (braze kept it, with
its functions at address 0), a note in a group that went goes too (a SystemTap probe at Location 0),
and a non-allocated section with relocations nothing refers to is dropped.  --print-gc-sections
lists the non-allocated sections it removes too.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir

MAIN_C = "int main(void) { return 0; }\n"
CALLS_HFN_C = "void hfn(void);\nint main(void) { hfn(); return 0; }\n"

GROUP_S = """
.section .text.hfn,"axG",@progbits,hfn,comdat
.globl hfn
.type hfn,@function
hfn: ret
.section .rodata.hfn,"aG",@progbits,hfn,comdat
.quad 1
.section .comment.h,"G",@progbits,hfn,comdat
.quad 2
.section .note.GNU-stack,"",@progbits
"""

# a probe note pushed from a COMDAT function's section ("?" takes that section's group)
PROBE_S = """
.section .text.gfn,"axG",@progbits,gfn,comdat
.globl gfn
.type gfn,@function
gfn:
990: nop
.pushsection .note.stapsdt,"?","note"
.balign 4
.4byte 992f-991f,994f-993f,3
991: .asciz "stapsdt"
992: .balign 4
993: .8byte 990b
.8byte _.stapsdt.base
.8byte 0
.asciz "prov"
.asciz "grouped"
.asciz ""
994: .balign 4
.popsection
ret
.section .stapsdt.base,"aG",@progbits,.stapsdt.base,comdat
.weak _.stapsdt.base
.hidden _.stapsdt.base
_.stapsdt.base: .space 1
.size _.stapsdt.base,1
.section .note.GNU-stack,"",@progbits
"""

META_S = """
.text
.globl main
main: xor %eax,%eax; ret
.section .mymeta,"",@progbits
.quad main
.section .mymeta2,"",@progbits
.quad 7
.section .debug_foo,"",@progbits
.quad main
.section .note.GNU-stack,"",@progbits
"""

LINKED_S = """
.section .text.used,"ax",@progbits
.globl main
main: xor %eax,%eax; ret
.section .text.unused,"ax",@progbits
unused: ret
.section .lo1,"o",@progbits,.text.used
.quad 1
.section .lo2,"o",@progbits,.text.unused
.quad 2
.section .lo3,"ao",@progbits,.text.used
.quad 3
.section .lo4,"ao",@progbits,.text.unused
.quad 4
.section .debug_lo,"o",@progbits,.text.unused
.quad 5
.section .note.GNU-stack,"",@progbits
"""

UNUSED_C = "int unused_fn(int x) { return x * 3; }\n"


@pytest.fixture(scope="module")
def b(tmp_path_factory, braze_lddir):
    bd = BuildDir(tmp_path_factory.mktemp("gcgroups"), braze_lddir)
    for name, text in (("main.c", MAIN_C), ("callh.c", CALLS_HFN_C), ("group.s", GROUP_S), ("probe.s", PROBE_S),
                       ("meta.s", META_S), ("linked.s", LINKED_S), ("unused.c", UNUSED_C)):
        (bd.root / name).write_text(text)
    for src in ("main.c", "callh.c", "group.s", "probe.s", "meta.s", "linked.s"):
        bd.run(["gcc", "-c", src, "-o", src.rsplit(".", 1)[0] + ".o"])
    # a file without .eh_frame whose only function goes: nothing of it is kept but its DWARF
    bd.run(["gcc", "-g", "-O2", "-fno-asynchronous-unwind-tables", "-c", "unused.c", "-o", "unused-noeh.o"])
    # the same with .eh_frame (kept whole by bfd, so the file's DWARF stays)
    bd.run(["gcc", "-g", "-O2", "-c", "unused.c", "-o", "unused-eh.o"])
    bd.run(["gcc", "-g", "-O2", "-c", "main.c", "-o", "main-g.o"])
    return bd


def _sections(path) -> list[tuple[str, ...]]:
    """(name, type, flags, address, size) of each section but the string tables (bfd tail-merges them)."""
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
        if m and m.group(1) not in (".strtab", ".shstrtab", ".symtab"):
            rows.append((m.group(1), m.group(2), m.group(5), m.group(3), m.group(4)))
    return rows


def _link_both(b, name: str, objs: list[str], extra: list[str] = ()) -> dict:
    outs = {}
    for linker in ("bfd", "test"):
        out = b.root / f"{name}-{linker}"
        b.run(["gcc", *b.ld(linker), "-Wl,--gc-sections", *extra, *objs, "-o", out])
        assert subprocess.run([str(out)], capture_output=True).returncode == 0
        outs[linker] = out
    return outs


CASES = {
    # .rodata.hfn is in hfn's group: kept with .text.hfn
    "group": (["callh.o", "group.o"], ".rodata"),
    # the probe's note is in gfn's group, which nothing uses
    "probe-note": (["main.o", "probe.o"], ".note.stapsdt"),
    # .mymeta (relocations, no reference) goes; .mymeta2 and .debug_foo stay
    "nonalloc": (["meta.o"], ".mymeta2"),
    # .lo1/.lo3 follow .text.used; .lo2/.lo4/.debug_lo go with .text.unused
    "link-order": (["linked.o"], ".lo3"),
    # unused-noeh.o keeps no allocated section: its .debug_* go
    "dwarf-of-dead-file": (["main-g.o", "unused-noeh.o"], ".debug_info"),
    "dwarf-with-eh-frame": (["main-g.o", "unused-eh.o"], ".debug_info"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_gc_sections_table_as_bfd(b, case, mode):
    objs, probe = CASES[case]
    outs = _link_both(b, f"{case}{mode}", objs, [mode])
    want = _sections(outs["bfd"])
    assert any(r[0] == probe for r in want) == (case not in ("probe-note",)), "harness: bfd's layout changed"
    assert _sections(outs["test"]) == want


def test_print_gc_sections_lists_nonalloc(b):
    lines = {}
    for linker in ("bfd", "test"):
        p = b.run(["gcc", *b.ld(linker), "-Wl,--gc-sections", "-Wl,--print-gc-sections", "main.o", "probe.o",
                   "group.o", "-o", b.root / f"print-{linker}"])
        lines[linker] = [re.sub(r"^\S+: ", "", ln) for ln in p.stderr.splitlines() if "removing unused" in ln]
    assert any(".note.stapsdt[gfn]" in ln for ln in lines["bfd"]), lines["bfd"]
    assert lines["test"] == lines["bfd"]
