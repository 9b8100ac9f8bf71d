"""GOTPCREL(X) loads of a large common symbol (.largecomm, SHN_X86_64_LCOMMON: gcc -mcmodel=medium's
big commons) against ld.bfd.

bfd does not relax a GOT load of a symbol in a large section, and a large common's LARGE_COMMON
section in .lbss is one: the load keeps its GOT slot (braze turned it into a lea / mov $imm, although
.lbss may lie beyond the rel32 reach).  A small common's load is relaxed by both.  Compared: the
instructions of the loads (mnemonic and operand form, not addresses) and the program's run."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

ASM = """  .text
  .globl get
get:
  movq big@GOTPCREL(%rip), %rax
  movl (%rax), %eax
  movq big2@GOTPCREL(%rip), %rcx
  addl (%rcx), %eax
  movq sm@GOTPCREL(%rip), %rcx
  addl (%rcx), %eax
  ret
  .globl addrs
addrs:
  movq big@GOTPCREL(%rip), %rax
  subq big2@GOTPCREL(%rip), %rax
  ret
  .largecomm big, 400, 8
  .comm sm, 4, 4
  .section .note.GNU-stack,"",@progbits
"""
OTHER = '  .largecomm big2, 4000, 32\n  .section .note.GNU-stack,"",@progbits\n'
MAIN = ('#include <stdio.h>\nint get(void); long addrs(void);\nextern int big[], big2[], sm;\n'
        'int main(void) { big[0] = 1; big2[0] = 20; sm = 300; '
        'printf("%d %ld %d\\n", get(), addrs(), (int)((char *)big - (char *)big2)); return 0; }\n')


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("lcommgot")
    (d / "a.s").write_text(ASM)
    (d / "b.s").write_text(OTHER)
    (d / "main.c").write_text(MAIN)
    for cmd in (["gcc", "-c", "-Wa,-mrelax-relocations=yes", "a.s", "-o", "a.o"], ["gcc", "-c", "b.s", "-o", "b.o"],
                ["gcc", "-c", "-O2", "-fPIE", "main.c", "-o", "main.o"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _link(root: Path, lddir: str, linker: str, mode: str):
    out = root / f"{linker}{mode}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    subprocess.run(["gcc", *ld, mode, "main.o", "a.o", "b.o", "-o", str(out)], cwd=root, env=tool_env(),
                   check=True, capture_output=True)
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(out)], capture_output=True, text=True,
                         check=True).stdout
    body = dis.split("<get>:")[1].split("\n\n")[0] + dis.split("<addrs>:")[1].split("\n\n")[0]
    insns = [re.sub(r"0x[0-9a-f]+|#.*", "N", ln.split("\t", 1)[1]).strip() for ln in body.splitlines()
             if "\t" in ln]
    r = subprocess.run([str(out)], env=run_env(root, {}), capture_output=True, text=True, timeout=RUN_TIMEOUT,
                       preexec_fn=_no_core)
    return insns, (r.returncode, r.stdout)


@pytest.mark.parametrize("mode", ["-no-pie", "-pie"])
def test_large_common_got(root, braze_lddir, mode):
    bfd = _link(root, braze_lddir, "bfd", mode)
    braze = _link(root, braze_lddir, "braze", mode)
    assert braze == bfd
    assert bfd[1][0] == 0 and bfd[1][1].startswith("321 ")
