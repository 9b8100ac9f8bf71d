"""Program headers of --section-start links (no -T script) against ld.bfd: the details of bfd's segment
map that address options bring out (found by a differential run of random --section-start sets).

- A name outside bfd's default script gets its output section from the address statement, with no
  memory region, while the script's sections have the default one; bfd's
  ldlang_override_segment_assignment never lets sections of different regions share a PT_LOAD, so
  such a section starts its own PT_LOAD even right after .data on the same page (two such sections
  may share one).  braze put it in .data's PT_LOAD.
- bfd makes the PT_NOTE headers walking its section list, where the placed sections come first: a
  placed .note.ABI-tag's PT_NOTE is the first one even at the highest address.  braze made them in
  address order.
- An orphan note (.note.gnu.property) goes ahead of the first note of bfd's section list, but not
  ahead of a placed note outside the script, which has no input yet when the orphans are placed.

Compared: section headers, program headers, and the programs' exit status and output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

ASM = """.globl _start
.text
_start: mov $60, %eax; mov $7, %edi; syscall
.data
.quad 1
.section .zz,"aw"
.quad 3
.section .zz2,"aw"
.quad 4
"""
# (.data1 is a section of bfd's default script, after .data)
ASM1 = ASM.split(".section .zz,")[0] + """.section .data1,"aw"
.quad 2
"""
C = '#include <stdio.h>\nint d = 5;\nint main(void) { printf("hi %d\\n", d); return 0; }\n'

CASES = [
    ("asm", "-static", ["-Wl,--section-start=.zz=0x402010"]),                  # own PT_LOAD
    ("asm", "-static", ["-Wl,--section-start=.zz=0x600000", "-Wl,-Tdata=0x600800"]),
    ("asm1", "-static", ["-Wl,--section-start=.data1=0x402010"]),              # a script section: shared
    ("asm", "-static", ["-Wl,--section-start=.zz=0x600000", "-Wl,--section-start=.zz2=0x600008"]),
    ("c", "-no-pie", ["-Wl,--section-start=.note.ABI-tag=0x10003000"]),        # PT_NOTE order
    ("c", "-static-pie", ["-Wl,--section-start=.note.ABI-tag=0x10000000"]),    # header order
    ("c", "-static", ["-Wl,--section-start=.note.ABI-tag=0x10000000"]),
]


def _view(path) -> tuple:
    def rd(*a):
        return subprocess.run(["readelf", "-W", *a, str(path)], capture_output=True, text=True,
                              env=tool_env(), check=True).stdout
    secs = [re.sub(r"\s+", " ", ln.split("]", 1)[1]).strip() for ln in rd("-S").splitlines()
            if re.match(r"\s+\[\s*\d+\]", ln)]
    secs = [s for s in secs if not s.startswith((".comment", ".symtab", ".strtab", ".shstrtab"))]
    phdrs = [ln.split() for ln in rd("-l").splitlines() if re.match(r"\s+[A-Z_]+\s+0x", ln)]
    return secs, phdrs


@pytest.mark.parametrize("src,mode,opts", CASES, ids=[f"{s}{m}-{'+'.join(o.split('=')[1] for o in opts)}"
                                                     for s, m, opts in CASES])
def test_section_start_segments(tmp_path, braze_lddir, src, mode, opts):
    b = BuildDir(tmp_path, braze_lddir)
    if src.startswith("asm"):
        (tmp_path / "t.s").write_text(ASM if src == "asm" else ASM1)
        b.run(["as", "t.s", "-o", "t.o"])
        flags = ["-nostdlib"]
    else:
        (tmp_path / "t.c").write_text(C)
        b.run(["gcc", "-O2", "-fPIE", "-c", "t.c", "-o", "t.o"])
        flags = []
    runs, views = {}, {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), *flags, mode, "t.o", *opts, "-o", str(exe)])
        r = subprocess.run([str(exe)], capture_output=True, text=True, env=tool_env(), timeout=60)
        runs[linker] = (r.returncode, r.stdout)
        views[linker] = _view(exe)
    assert runs["bfd"] == ((7, "") if src.startswith("asm") else (0, "hi 5\n")), runs["bfd"]
    assert runs["test"] == runs["bfd"]
    assert views["test"][0] == views["bfd"][0], f"sections differ\nbfd:  {views['bfd'][0]}\ntest: {views['test'][0]}"
    assert views["test"][1] == views["bfd"][1], f"program headers differ\nbfd:  {views['bfd'][1]}\ntest: {views['test'][1]}"
