"""An output section kept only for its assignments (no input, `.` not advanced) whose name is one
of bfd's special sections, against ld.bfd. Found linking Linux 6.1 (tinyconfig, !SMP): vmlinux.lds's
`.data..percpu : { __per_cpu_load = .; ... . = ALIGN(4096); ... __per_cpu_end = .; }` gets no input;
bfd leaves it unallocated (in no segment) but its header has the type and flags of its special-section
entry (.data.*: "WA"), so nm/System.map show __per_cpu_start as 'D'; braze wrote "W" ('?').

Compared: the section's header (type, flags) and the symbols' nm classes."""
from __future__ import annotations

import pytest

from harness import BuildDir

ASM = "\t.text\n\t.globl _start\n_start:\tret\n\t.data\n\t.quad 1\n"

SCRIPT = """SECTIONS {
  . = 0x400000;
  .text : { *(.text) }
  . = ALIGN(4096);
  .data : { *(.data) }
  . = ALIGN(16) + 8;
  %s : AT(ADDR(%s)) { __s = .; *(.none.first) . = ALIGN(8); *(.none) __e = .; }
  .bss : { *(.bss) }
}
"""

NAMES = [".data..percpu", ".data.x", ".rodata.x", ".init_array.x", ".fini_array", ".preinit_array.q",
         ".data.rel.ro.q", ".datax", ".foo", ".note.x", ".sdata.y"]


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("dotonly"), braze_lddir)
    (w.root / "a.s").write_text(ASM)
    w.run(["as", "a.s", "-o", "a.o"])
    return w


@pytest.mark.parametrize("name", NAMES)
def test_dot_only_section_header_vs_bfd(work, name):
    script = f"s{NAMES.index(name)}.lds"
    (work.root / script).write_text(SCRIPT % (name, name))
    res = {}
    for linker in ("bfd", "test"):
        ld = "ld.bfd" if linker == "bfd" else f"{work.lddir}/ld"
        out = f"{script}-{linker}"
        work.run([ld, "-T", script, "a.o", "-o", out, "--no-warn-rwx-segments"])
        hdr = [l.split("]", 1)[1].split() for l in work.run(["readelf", "-W", "-S", out]).stdout.splitlines()
               if f" {name} " in l]
        syms = sorted(l for l in work.run(["nm", out]).stdout.splitlines() if l.endswith(("__s", "__e")))
        res[linker] = (hdr, syms)
    assert res["bfd"][0], "bfd dropped the section"
    assert res["test"] == res["bfd"]
