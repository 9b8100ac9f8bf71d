"""The PT_INTERP of a dynamic output linked without -dynamic-linker, against ld.bfd: bfd's default
for x86-64 is /lib/ld64.so.1 (its ELF_DYNAMIC_INTERPRETER, the psABI's name), aarch64's
/lib/ld-linux-aarch64.so.1; braze wrote glibc's /lib64/ld-linux-x86-64.so.2 on x86-64. (gcc always
passes -dynamic-linker: only a bare `ld` meets the default.) -dynamic-linker still wins."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = ".globl _start\n.text\n_start: ret\n"


def _interp(path) -> str | None:
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    m = re.search(r"Requesting program interpreter: ([^\]]+)\]", out)
    return m.group(1) if m else None


@pytest.mark.parametrize("arch", ["x86", "a64"])
@pytest.mark.parametrize("args", [["-pie"], ["-pie", "-z", "now"], ["-pie", "-dynamic-linker", "/x/ld.so"]],
                         ids=["pie", "now", "explicit"])
def test_default_interpreter(tmp_path, braze_lddir, direct_ld, arch, args):
    prefix = "aarch64-linux-gnu-" if arch == "a64" else ""
    if arch == "a64" and not shutil.which(prefix + "ld"):
        pytest.fail("aarch64-linux-gnu-ld is missing (binutils-aarch64-linux-gnu)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "i.s").write_text(SRC)
    b.run([prefix + "as", "i.s", "-o", "i.o"])
    b.run([prefix + "ld", *args, "i.o", "-o", "ref"])
    b.run([*direct_ld, *args, "i.o", "-o", "got"])
    assert _interp(tmp_path / "ref") is not None
    assert _interp(tmp_path / "got") == _interp(tmp_path / "ref")
