"""_TLS_MODULE_BASE_ in .symtab, against ld.bfd: aarch64 bfd defines it (a local STT_TLS symbol at
the TLS segment's start) in every link that has TLS, referenced or not; x86-64 bfd only when
something refers to it.  braze wrote it only when referenced (found by huntc comparing aarch64
builds: every aarch64 output with TLS had one local symbol less than bfd's)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elfrows import named_symbol_rows
from harness import tool_env

A64 = "aarch64-linux-gnu-"
C = r"""
#include <stdio.h>
__thread int tv = 3;
static __thread int sv = 4;
__thread int tb;
int get(void) { return tv + sv + tb; }
int main(void) { printf("%d\n", get()); return 0; }
"""
CASES = {f"{arch}{mode}": (pre, mode) for arch, pre in (("a64", A64), ("x86", "")) for mode in
         ("-pie", "-no-pie", "-shared", "-static", "-static-pie")}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tlsbase")
    (d / "t.c").write_text(C)
    for pre in ("", A64):
        if shutil.which(pre + "gcc"):
            subprocess.run([pre + "gcc", "-O1", "-fPIC", "-c", "t.c", "-o", f"t-{pre or 'x86'}.o"], cwd=d,
                           env=tool_env(), check=True, capture_output=True)
    return d


@pytest.mark.parametrize("case", list(CASES))
def test_tls_module_base(root, braze_lddir, case):
    pre, mode = CASES[case]
    if pre and not shutil.which(pre + "gcc"):
        pytest.skip("no aarch64 cross compiler")
    obj = f"t-{pre or 'x86'}.o"
    rows = {}
    for linker in ("bfd", "braze"):
        out = root / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run([pre + "gcc", *ld, mode, obj, "-o", str(out)], cwd=root, env=tool_env(),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        rows[linker] = named_symbol_rows(out, {"_TLS_MODULE_BASE_"}, pre)
    if pre:
        assert len(rows["bfd"]) == 1 and rows["bfd"][0][2:4] == ("TLS", "LOCAL")
    assert rows["braze"] == rows["bfd"]
