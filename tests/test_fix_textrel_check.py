"""bfd's textrel_check: the "relocation against `f' in read-only section" / "creating DT_TEXTREL"
warnings follow the last of -z text|notext|textoff and --warn-textrel, with a default set when
binutils is configured: x86-64 Linux warns, Debian's aarch64 ld does not. braze warned in both
cases, even after an explicit -z notext (Linux's arm64 vmlinux: `-shared -Bsymbolic -z notext`
printed two warnings per link). Compared with ld.bfd / aarch64 ld.bfd: messages (the program
name aside), exit status, DT_TEXTREL."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

ASM = '  .section .rodata,"a"\n  .quad f\n  .text\n  .globl f\nf: ret\n'
ARCH = {"aarch64": ("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld.bfd", "aarch64linux"),
        "x86_64": ("as", "ld.bfd", "elf_x86_64")}
OPTS = [[], ["-z", "notext"], ["-z", "textoff"], ["--warn-textrel"], ["--warn-shared-textrel"],
        ["-z", "text", "-z", "notext"], ["-z", "notext", "--warn-textrel"], ["--warn-textrel", "-z", "notext"]]


def _msgs(stderr: str) -> list[str]:
    return [re.sub(r"^\S+?: ", "", ln) for ln in stderr.splitlines() if "RWX" not in ln]


def _textrel(path) -> bool:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return "TEXTREL" in out


@pytest.mark.parametrize("opts", OPTS, ids=lambda o: "_".join(o) or "default")
@pytest.mark.parametrize("arch", sorted(ARCH))
def test_textrel_check(tmp_path, direct_ld, arch, opts):
    as_, bfd, emul = ARCH[arch]
    if not shutil.which(as_) or not shutil.which(bfd):
        pytest.skip(f"no {arch} toolchain")
    (tmp_path / "t.s").write_text(ASM)
    subprocess.run([as_, "t.s", "-o", "t.o"], cwd=tmp_path, check=True)
    args = ["-m", emul, "-shared", *opts, "t.o"]
    pb = subprocess.run([bfd, *args, "-o", "b.so"], cwd=tmp_path, capture_output=True, text=True)
    pm = subprocess.run([*direct_ld, *args, "-o", "m.so"], cwd=tmp_path, capture_output=True, text=True)
    assert pb.returncode == pm.returncode == 0, (pb.stderr, pm.stderr)
    assert _msgs(pm.stderr) == _msgs(pb.stderr)
    assert _textrel(tmp_path / "m.so") and _textrel(tmp_path / "b.so")
