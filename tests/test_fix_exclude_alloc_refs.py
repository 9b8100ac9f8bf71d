"""References to an allocated SHF_EXCLUDE section, which a final link drops (bfd, and braze since
this session): bfd makes a global defined there undefined ("undefined reference", or 0 when weak)
and refuses a local or section-symbol reference from kept code ("defined in discarded section").
braze resolved both to address 0 and wrote the program. Compared with ld.bfd: success or failure,
the diagnostics' subject, and the code of a link that succeeds."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

HEAD = """\t.section .ex,"ae",@progbits\n"""
CASES = {
    "global": HEAD + "\t.globl exsym\nexsym:\t.long 42\n\t.text\n\t.globl _start\n_start:\n"
              "\tmovl exsym(%rip), %eax\n\tret\n",
    "local": HEAD + "lsym:\t.long 7\n\t.text\n\t.globl _start\n_start:\n\tmovl lsym(%rip), %ebx\n\tret\n",
    "weak": HEAD + "\t.weak wsym\nwsym:\t.long 42\n\t.text\n\t.globl _start\n_start:\n\tmovq $wsym, %rax\n\tret\n",
    "eh_frame_only": HEAD + "\t.cfi_startproc\n\tnop\n\t.cfi_endproc\n\t.text\n\t.globl _start\n_start:\n\tret\n",
}
SUBJECT = {"global": "exsym", "local": "discarded section `.ex'"}


def _code(path) -> str:
    out = subprocess.run(["objdump", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return "\n".join(line.split("\t", 1)[-1] for line in out.splitlines() if line.startswith("  4"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_excluded_section_refs_as_bfd(tmp_path, braze_lddir, case):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "x.s").write_text(CASES[case])
    b.run(["gcc", "-c", "x.s", "-o", "x.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"x-{linker}"
        p = b.run(["gcc", *b.ld(linker), "-nostdlib", "-static", "x.o", "-o", out], check=False)
        if p.returncode:
            got[linker] = ("failed", out.exists(), case in SUBJECT and SUBJECT[case] in p.stderr)
        else:
            got[linker] = ("linked", _code(out))
    assert got["bfd"][0] == ("failed" if case in SUBJECT else "linked"), f"harness: {got['bfd']}"
    assert got["test"] == got["bfd"]
