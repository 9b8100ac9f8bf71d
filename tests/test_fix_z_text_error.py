"""Text relocations' messages, against ld.bfd (x86-64 and aarch64).

-z text: bfd warns as it does without it ("FILE: warning: relocation against `f' in read-only section
`.rodata'"), adds its IFUNC warning when it applies, then fails with "read-only segment has dynamic
relocations" (the last of -z text / -z notext / --warn-textrel decides); braze printed an error of its
own wording instead.  And the warning names the first text relocation against a local symbol when
there is one, without a name ("FILE: warning: relocation in read-only section `.rodata.b'"; aarch64's
bfd names none, nor then a global one), else the first against a global; braze named the first of
either, a local one by the section it was in.  Compared: exit status and messages (bfd's error line as braze writes errors:
`error: ...`)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

ASM = {"plain": '  .section .rodata,"a"\n  .quad f\n  .text\n  .globl f\nf: ret\n',
       "local": '  .text\nimpl: ret\n  .section .rodata,"a"\n  .quad impl\n',
       "both": '  .text\n  .globl g\ng: ret\nimpl: ret\n  .section .rodata,"a"\n  .quad g\n'
               '  .section .rodata.b,"a"\n  .quad impl\n',
       "ifunc": '  .text\n  .type impl, @function\nimpl: ret\n  .globl f\n  .type f, @gnu_indirect_function\n'
                'f: ret\n  .data\n  .quad f\n  .section .rodata,"a"\n  .quad impl\n'}
ARCH = {"aarch64": ("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld.bfd", "aarch64linux"),
        "x86_64": ("as", "ld.bfd", "elf_x86_64")}
OPTS = [["-z", "text"], ["-z", "notext", "-z", "text"], ["-z", "text", "--warn-textrel"],
        ["--warn-textrel", "-z", "text"], ["-z", "text", "-z", "notext"], [], ["--warn-textrel"]]


def _msgs(stderr: str) -> list[str]:
    out = []
    for ln in stderr.splitlines():
        ln = re.sub(r"^\S+?: ", "", ln)
        out.append("error: " + ln if ln.startswith("read-only segment") else ln)
    return out


@pytest.mark.parametrize("opts", OPTS, ids=lambda o: "_".join(o) or "default")
@pytest.mark.parametrize("src", list(ASM))
@pytest.mark.parametrize("arch", sorted(ARCH))
def test_z_text_error(tmp_path, direct_ld, arch, src, opts):
    as_, bfd, emul = ARCH[arch]
    if not shutil.which(as_) or not shutil.which(bfd):
        pytest.skip(f"no {arch} toolchain")
    if arch == "aarch64" and src == "ifunc":
        pytest.skip("x86-64 case")
    (tmp_path / "t.s").write_text(ASM[src])
    subprocess.run([as_, "t.s", "-o", "t.o"], cwd=tmp_path, check=True)
    args = ["-m", emul, "-shared", *opts, "t.o"]
    pb = subprocess.run([bfd, *args, "-o", "b.so"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "m.so"], cwd=tmp_path, capture_output=True, text=True)
    assert (pm.returncode, _msgs(pm.stderr)) == (pb.returncode, _msgs(pb.stderr))
