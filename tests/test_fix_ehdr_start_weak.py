"""A weak reference to __ehdr_start when no PT_LOAD maps the ELF header, against ld.bfd.

bfd defines __ehdr_start only when the headers are loaded; otherwise a weak reference leaves it
undefined, 0, and out of .symtab (the ld testsuite's ehdr_start-weak: a linker script whose first
section is not after SIZEOF_HEADERS); a strong one is an undefined reference.  braze refused the weak
one as an undefined symbol.  Compared: exit status, __ehdr_start in .symtab, the word that holds its
address."""
from __future__ import annotations

import re
import subprocess

import pytest

ASM = ('  .text\n  .globl _start\n_start:\n  .space 16\n  .section .rodata,"a",%progbits\n  .globl foo\nfoo:\n'
       '{weak}  .dc.a __ehdr_start\n')
SCRIPTS = {
    "missing": "SECTIONS {\n  . = 0x10000000;\n  .text : { *(.text) }\n  .rodata : { *(.rodata) }\n"
               "  /DISCARD/ : { *(.*) }\n}\n",
    "present": "SECTIONS {\n  . = 0x10000000 + SIZEOF_HEADERS;\n  .text : { *(.text) }\n  .rodata : { *(.rodata) }\n}\n",
}
OPTS = {"script-missing": ["-T", "missing.t"], "script-present": ["-T", "present.t"], "N": ["-N"], "n": ["-n"],
        "default": []}


def _result(d, out: str, rc: int):
    if rc:
        return rc, None, None
    syms = subprocess.run(["readelf", "-sW", out], cwd=d, capture_output=True, text=True, check=True).stdout
    ehdr = [" ".join(ln.split()[1:]) for ln in syms.splitlines() if ln.endswith(" __ehdr_start")]
    rodata = subprocess.run(["objdump", "-s", "-j", ".rodata", out], cwd=d, capture_output=True, text=True,
                            check=True).stdout
    return rc, ehdr, re.findall(r"^ [0-9a-f]+ (.*?)  ", rodata, re.M)


@pytest.mark.parametrize("weak", [True, False], ids=["weak", "strong"])
@pytest.mark.parametrize("opt", list(OPTS))
def test_ehdr_start_weak(tmp_path, direct_ld, opt, weak):
    (tmp_path / "e.s").write_text(ASM.format(weak="  .weak __ehdr_start\n" if weak else ""))
    for name, text in SCRIPTS.items():
        (tmp_path / f"{name}.t").write_text(text)
    subprocess.run(["gcc", "-c", "e.s", "-o", "e.o"], cwd=tmp_path, check=True)
    args = ["-e", "_start", *OPTS[opt], "e.o"]
    pb = subprocess.run(["ld.bfd", *args, "-o", "b.out"], cwd=tmp_path, capture_output=True, text=True)
    pt = subprocess.run([*direct_ld, *args, "-o", "t.out"], cwd=tmp_path, capture_output=True, text=True)
    bfd = _result(tmp_path, "b.out", pb.returncode)
    braze = _result(tmp_path, "t.out", pt.returncode)
    assert braze == bfd, (pt.stderr, pb.stderr)
    if weak:
        assert pb.returncode == 0
