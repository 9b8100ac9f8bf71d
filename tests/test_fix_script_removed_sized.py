"""A `-T` output section whose inputs are all empty but whose body assigns a symbol, against ld.bfd.

bfd removes the section (no header) but does not ignore it (strip_excluded_output_sections: its
update_dot): it is sized like any other, at its address or the region's, aligned by its inputs and by
its ALIGN(); its symbols take that address and `.` moves there, so what follows starts there too.
braze left the symbols (and `.`) where the section before ended: an empty
`.data : ALIGN(0x1000) { _data = .; *(.data) _edata = .; }` gave `_data` the end of `.rodata` and
put the following orphan and `.bss` below the page, in the code's RWX segment (found linking Linux's
x86 boot code style scripts). A section with no symbol assignment (only `. = ...`) stays ignored.

Compared with bfd: every symbol's nm line, the section headers and the program headers."""
from __future__ import annotations

import pytest

from harness import BuildDir

C = """static int table[4] = {1, 2, 3, 4};
int sum(int n) { int s = 0; for (int i = 0; i < n; i++) s += table[i & 3]; return s; }
int entry(void) { return sum(10); }
"""
REF = "extern char _data[];\nchar *data_start(void) { return _data; }\n"
EXTRA = '__attribute__((section(".extra"))) int extra_var = 7;\n'
# an empty .data input with a 64-byte alignment
ALIGNED = "\t.data\n\t.balign 64\n"

HEAD = """ENTRY(entry)
SECTIONS
{
  . = 0x400000;
  .text : { *(.text) *(.text.*) }
  .rodata : { *(.rodata) *(.rodata.*) }
"""
TAIL = """  .bss : { _bss = . ; *(.bss) *(COMMON) _ebss = .; }
  /DISCARD/ : { *(.eh_frame) *(.note.GNU-stack) *(.comment) }
}
"""
BODIES = {
    "align": "  .data : ALIGN(0x1000) { _data = . ; *(.data) _edata = . ; }\n",
    "inputalign": "  .data : { _data = . ; *(.data) _edata = . ; }\n",
    "addr": "  .data 0x600010 : ALIGN(0x100) { _data = . ; *(.data) _edata = . ; }\n",
    "provide": "  .data : ALIGN(0x1000) { PROVIDE(_data = .); *(.data) }\n  _after = .;\n",
    "provideref": "  .data : ALIGN(0x1000) { PROVIDE(_data = .); *(.data) }\n  _after = .;\n",
    "dotonly": "  .data : ALIGN(0x1000) { *(.data) . = ALIGN(8); }\n  _after = .;\n",
    "nobits": "  .data : { *(.data) }\n  .sbss : ALIGN(0x2000) { _sb = .; *(.sbss) _esb = .; }\n",
    "twice": "  .data : ALIGN(0x1000) { _data = .; *(.data) }\n  .data2 : ALIGN(0x1000) { _d2 = .; *(.data2) }\n",
}
MEMORY = """MEMORY { rom (rx) : ORIGIN = 0x400000, LENGTH = 1M
         ram (rw) : ORIGIN = 0x800000, LENGTH = 1M }
SECTIONS
{
  .text : { *(.text) *(.text.*) } > rom
  .rodata : { *(.rodata) *(.rodata.*) } > rom
  .data : ALIGN(0x100) { _data = . ; *(.data) _edata = . ; } > ram AT > rom
  .bss : { _bss = . ; *(.bss) *(COMMON) _ebss = .; } > ram
  /DISCARD/ : { *(.eh_frame) *(.note.GNU-stack) *(.comment) }
}
"""
CASES = [(b, extra, aligned) for b in [*BODIES, "memory"] for extra in (False, True) for aligned in (False, True)]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("rmsized"), braze_lddir)
    (w.root / "k.c").write_text(C)
    (w.root / "x.c").write_text(EXTRA)
    (w.root / "ref.c").write_text(REF)
    (w.root / "al.s").write_text(ALIGNED)
    w.run(["gcc", "-O2", "-fno-pie", "-fno-asynchronous-unwind-tables", "-c", "k.c", "x.c", "ref.c"])
    w.run(["as", "al.s", "-o", "al.o"])
    for body in BODIES:
        (w.root / f"{body}.lds").write_text(HEAD + BODIES[body] + TAIL)
    (w.root / "memory.lds").write_text(MEMORY)
    return w


def _view(work, out):
    nm = sorted(work.run(["nm", out]).stdout.splitlines())
    secs = [ln.split("]", 1)[1].split() for ln in work.run(["readelf", "-W", "-S", out]).stdout.splitlines()
            if ln.strip().startswith("[") and "]" in ln and "Name" not in ln]
    secs = [s for s in secs if s and s[0] not in (".symtab", ".strtab", ".shstrtab")]
    loads = [ln.split() for ln in work.run(["readelf", "-W", "-l", out]).stdout.splitlines()
             if ln.strip().startswith("LOAD")]
    return nm, secs, loads


@pytest.mark.parametrize("body,extra,aligned", CASES,
                         ids=[f"{b}{'-extra' if e else ''}{'-al64' if a else ''}" for b, e, a in CASES])
def test_removed_section_with_symbols_vs_bfd(work, body, extra, aligned):
    name = f"{body}{int(extra)}{int(aligned)}"
    objs = ["k.o"] + (["ref.o"] if body == "provideref" else []) + (["x.o"] if extra else []) + (["al.o"] if aligned else [])
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{name}-{linker}"
        work.run([ld, "-static", "--no-warn-rwx-segments", "-T", f"{body}.lds", *objs, "-o", out])
        res[linker] = _view(work, out)
    assert res["test"] == res["bfd"]
