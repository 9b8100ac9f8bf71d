"""A 32-bit (or narrower) absolute word in a position-dependent executable's writable data against a
shared library's symbol, against ld.bfd.

bfd gives writable data a dynamic relocation instead of a copy relocation or canonical PLT entry, and
a 32-bit word cannot take one: it refuses the link ("relocation R_X86_64_32 against symbol `arr' can
not be used when making a PDE object; recompile with -fPIE", once, then "failed to set dynamic section
sizes: bad value"), also when a read-only reference makes a copy.  braze linked it (a copy
relocation's address in the word).  Read-only data still gets the copy.  Compared: exit status and
the messages (program name aside)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

CASES = {
    "data-32": "  .data\n  .long arr\n",
    "data-32-addend": "  .data\n  .long arr+4\n",
    "data-32s": "  .data\n  .reloc ., R_X86_64_32S, arr\n  .long 0\n",
    "data-16": "  .data\n  .word arr\n",
    "data-8": "  .data\n  .byte arr\n",
    "func": "  .data\n  .long fn\n",
    "func-cplt": "  .data\n  .long fn\n  .text\n  movq $fn, %rax\n",
    "copied": "  .data\n  .long arr\n  .text\n  movl arr, %eax\n",
    "two": "  .data\n  .long arr\n  .long fn\n",
    "tdata": '  .section .tdata.x,"awT"\n  .long arr\n',
    "versioned": "  .data\n  .long vsym\n",
    "rodata": "  .section .rodata\n  .long arr\n",
    "text": "  .text\n  movl $arr, %eax\n",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pdeabs32")
    (d / "so.c").write_text("int arr[4] = {1};\nint fn(void) { return 1; }\nint vsym = 2;\n")
    (d / "v").write_text("V1 { global: arr; fn; vsym; };\n")
    subprocess.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "so.c", "-Wl,--version-script=v", "-o", "libso.so"],
                   cwd=d, env=tool_env(), check=True, capture_output=True)
    for name, body in CASES.items():
        (d / f"{name}.s").write_text(f"  .text\n  .globl main\nmain:\n  xorl %eax, %eax\n  ret\n{body}"
                                     '  .section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["gcc", "-c", f"{name}.s", "-o", f"{name}.o"], cwd=d, env=tool_env(), check=True)
    return d


def _link(root: Path, lddir: str, linker: str, case: str):
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    p = subprocess.run(["gcc", *ld, "-no-pie", f"{case}.o", "-L.", "-lso", "-o", f"{linker}-{case}"], cwd=root,
                       env=tool_env(), capture_output=True, text=True)
    msgs = [re.sub(r"^\S*?(ld\.bfd|braze): (error: )?", "", ln) for ln in p.stderr.splitlines()
            if "collect2" not in ln]
    return p.returncode, msgs


@pytest.mark.parametrize("case", list(CASES))
def test_pde_abs32_writable(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    assert braze == bfd
    assert (bfd[0] == 0) == (case in ("rodata", "text"))
