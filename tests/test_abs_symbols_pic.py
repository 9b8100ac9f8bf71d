"""Absolute symbols in position-independent executables, against ld.bfd.

- An object's absolute symbol (`.set y, 0x5678` made global) reached PC-relatively in a PIE (a -fPIE
  `lea y(%rip)`, `.long y - .`, `.quad y - .`, `call y`): bfd refuses ("relocation R_X86_64_PC32
  against absolute symbol `y' in section `.text' is disallowed"); braze linked it silently, and the
  program computed image base + 0x5678 instead of 0x5678.
- A --defsym or linker-script assignment's symbol (`x = 0x1234`) is the image's own to bfd in a PIE: a
  -fPIC `mov x@GOTPCREL(%rip)` is converted to `lea x(%rip)` like a -fPIE reference, so the program
  sees image base + 0x1234 either way; braze converted it to `mov $0x1234` (0x1234). The programs print
  the value less `__ehdr_start` (the image base), so bfd's and braze's runs compare equal.
Compared: exit status and output of each run, bfd's message for the refused links (and no output)."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

PROG = r"""
#include <stdio.h>
extern char x[];
extern const char __ehdr_start[];
int main(void) { printf("%lx\n", (unsigned long)(x - __ehdr_start)); return 0; }
"""
ABS = '.globl y\n.set y, 0x5678\n.section .note.GNU-stack,"",@progbits\n'
USES = {
    "lea": "extern char y[];\nchar *f(void) { return y; }\n",
    "data32": '.data\n.globl d1\nd1: .long y - .\n.section .note.GNU-stack,"",@progbits\n',
    "data64": '.data\n.globl d2\nd2: .quad y - .\n.section .note.GNU-stack,"",@progbits\n',
    "call": '.text\n.globl f3\nf3: call y\n.section .note.GNU-stack,"",@progbits\n',
}
MAIN = "int main(void) { return 0; }\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("abspic"), braze_lddir)
    (b.root / "prog.c").write_text(PROG)
    (b.root / "abs.s").write_text(ABS)
    (b.root / "main.c").write_text(MAIN)
    (b.root / "x.ld").write_text("x = 0x1234;\n")
    for pic in ("-fPIE", "-fPIC"):
        b.run(["gcc", "-c", "-O1", pic, "prog.c", "-o", f"prog{pic}.o"])
    b.run(["gcc", "-c", "abs.s", "main.c"])
    for name, src in USES.items():
        ext = ".c" if name == "lea" else ".s"
        (b.root / f"use_{name}{ext}").write_text(src)
        b.run(["gcc", "-c", "-O1", "-fPIE", f"use_{name}{ext}"])
    return b


@pytest.mark.parametrize("use", sorted(USES))
def test_pc_relative_to_object_absolute_refused_in_pie(work, use):
    msgs = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{linker}-{use}"
        p = work.run(["gcc", *work.ld(linker), "-pie", "main.o", f"use_{use}.o", "abs.o", "-o", out], check=False)
        assert p.returncode != 0 and not out.exists(), p.stderr
        msgs[linker] = [ln.split(": ", 1)[1].removeprefix("error: ") for ln in p.stderr.splitlines()
                        if "absolute symbol" in ln]
    assert msgs["bfd"] and msgs["test"] == msgs["bfd"]
    # (the same objects link without -pie in both)
    for linker in ("bfd", "test"):
        work.run(["gcc", *work.ld(linker), "-no-pie", "main.o", f"use_{use}.o", "abs.o",
                  "-o", work.root / f"{linker}-{use}-nopie"])


@pytest.mark.parametrize("how", ["defsym", "script"])
@pytest.mark.parametrize("pic", ["-fPIE", "-fPIC"])
@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
def test_assigned_absolute_symbol_as_bfd(work, how, pic, mode):
    define = ["-Wl,--defsym,x=0x1234"] if how == "defsym" else ["x.ld"]
    runs = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{linker}-{how}{pic}{mode}"
        work.run(["gcc", *work.ld(linker), mode, f"prog{pic}.o", *define, "-o", out])
        runs[linker] = subprocess.run([str(out)], capture_output=True, text=True)
    assert runs["bfd"].returncode == 0 and runs["bfd"].stdout.strip()
    assert (runs["test"].returncode, runs["test"].stdout) == (runs["bfd"].returncode, runs["bfd"].stdout)
