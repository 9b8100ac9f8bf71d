"""-z keywords one machine's bfd does not know are warned about (`warning: -z KW ignored`) in
command-line order, the other machine's keywords among the unknown ones; braze printed the unknown
ones at once and the other machine's after them. -z [no]dynamic-undefined-weak, noreloc-overflow and
report-relative-reloc are x86-64 keywords: aarch64 bfd warns and ignores them (braze set the first
pair silently and refused the others on aarch64 too; x86-64 braze still refuses the last two).

Compared with ld.bfd of each machine: the exit status and stderr (the program name removed)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
START = "void _start(void) { for (;;); }\n"

A64_CASES = {
    "unknown-x86-unknown": ["-z", "nosuch", "-z", "ibt", "-z", "foo"],
    "interleaved": ["-z", "foo", "-z", "ibt", "-z", "bar", "-z", "shstk", "-z", "baz"],
    "nodynamic-undefined-weak": ["-z", "nodynamic-undefined-weak"],
    "dynamic-undefined-weak-unknown": ["-z", "dynamic-undefined-weak", "-z", "foo"],
    "report-relative-reloc": ["-z", "report-relative-reloc"],
    "noreloc-overflow-unknown": ["-z", "noreloc-overflow", "-z", "x"],
    "own-x86-unknown-own": ["-z", "force-bti", "-z", "ibt", "-z", "foo", "-z", "pac-plt"],
    "cet-report-lam": ["-z", "cet-report=warning", "-z", "zz", "-z", "lam-report=error"],
}
X86_CASES = {
    "a64-unknown": ["-z", "force-bti", "-z", "foo"],
    "unknown-a64-unknown": ["-z", "foo", "-z", "pac-plt", "-z", "bar"],
    "nodynamic-undefined-weak-unknown": ["-z", "nodynamic-undefined-weak", "-z", "foo"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("zwarn")
    (d / "st.c").write_text(START)
    for pre in ("", A64):
        if shutil.which(pre + "gcc"):
            subprocess.run([pre + "gcc", "-O2", "-c", "st.c", "-o", f"{pre or 'x86-'}st.o"], cwd=d, check=True,
                           env=tool_env())
    return d


def _norm(err: str) -> list[str]:
    return [re.sub(r"^[^:]*?(ld|ld\.bfd|braze): ", "LD: ", ln).replace("LD: error: ", "LD: ")
            for ln in err.splitlines()]


def _compare(root: Path, pre: str, args: list[str], direct_ld, tmp_path: Path) -> None:
    obj = f"{pre or 'x86-'}st.o"
    if not (root / obj).exists():
        pytest.skip(f"no {pre}gcc")
    res = {}
    for name, ld in (("bfd", [pre + "ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*ld, "-static", obj, *args, "-o", str(tmp_path / f"out-{name}")], cwd=root,
                           capture_output=True, text=True, env=tool_env())
        res[name] = p.returncode, _norm(p.stderr)
    assert res["bfd"][1], "bfd warned about nothing"
    assert res["braze"] == res["bfd"], f"bfd:  {res['bfd']}\ntest: {res['braze']}"


@pytest.mark.parametrize("case", sorted(A64_CASES))
def test_aarch64(root, direct_ld, tmp_path, case):
    _compare(root, A64, A64_CASES[case], direct_ld, tmp_path)


@pytest.mark.parametrize("case", sorted(X86_CASES))
def test_x86(root, direct_ld, tmp_path, case):
    _compare(root, "", X86_CASES[case], direct_ld, tmp_path)
