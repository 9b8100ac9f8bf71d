"""-z stack-size=N in the property note when the inputs' notes merge to nothing, against ld.bfd.

bfd (_bfd_elf_link_setup_gnu_properties) adds GNU_PROPERTY_STACK_SIZE to the output's
.note.gnu.property whenever an input has such a note, even when the merge leaves no other property:
an aarch64 program of -mbranch-protection objects linked with crt files without BTI has a note (and a
PT_GNU_PROPERTY) holding only the stack size. braze added the stack size only to a non-empty merge
and wrote no note. No input note: no note from either. Found by tools/fuzz --arch aarch64
--feats-set 3 (seed 98559).

Each case links the same objects through ld.bfd and through braze: the property lines of
`readelf -n` and the program header types must be equal."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
MAIN = "int f(void);\nint main(void) { return f(); }\n"
F = "int f(void) { return 0; }\n"
CASES = [
    ("bti-crt-no-pie", ["-no-pie", "main-bti.o", "f-bti.o"]),
    ("bti-crt-pie", ["-pie", "main-bti.o", "f-bti.o"]),
    ("bti-shared-mixed", ["-shared", "f-bti.o", "main-plain.o"]),
    ("bti-shared", ["-shared", "f-bti.o"]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    if not shutil.which(A64 + "gcc"):
        pytest.skip("no aarch64 gcc")
    d = tmp_path_factory.mktemp("stack_size_note")
    (d / "main.c").write_text(MAIN)
    (d / "f.c").write_text(F)
    for src in ("main", "f"):
        subprocess.run([A64 + "gcc", "-c", "-O2", "-fPIC", "-mbranch-protection=standard", f"{src}.c", "-o", f"{src}-bti.o"],
                       cwd=d, check=True, env=tool_env())
    subprocess.run([A64 + "gcc", "-c", "-O2", "-fPIC", "main.c", "-o", "main-plain.o"], cwd=d, check=True, env=tool_env())
    return d


def _shape(path: Path) -> tuple:
    n = subprocess.run([A64 + "readelf", "-nW", str(path)], capture_output=True, text=True).stdout
    l = subprocess.run([A64 + "readelf", "-lW", str(path)], capture_output=True, text=True).stdout
    props = [ln.strip() for ln in n.splitlines() if "Properties:" in ln or "AArch64 feature" in ln]
    return props, re.findall(r"^\s+(GNU_PROPERTY|NOTE)\s", l, re.M)


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_stack_size_note_matches_bfd(srcdir, braze_lddir, name, args):
    outs = []
    for ld in (None, braze_lddir):
        out = srcdir / f"{name}-{'bfd' if ld is None else 'test'}"
        cmd = [A64 + "gcc", *([f"-B{ld}/"] if ld else []), *args, "-Wl,-z,stack-size=0x200000", "-o", str(out)]
        p = subprocess.run(cmd, cwd=srcdir, capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{cmd}: {p.stderr}"
        outs.append(_shape(out))
    assert outs[0][0], "bfd wrote no property note"
    assert outs[1] == outs[0]
