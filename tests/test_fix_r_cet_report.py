"""-r with -z cet-report / -z lam-*-report and the property-forcing -z options when no input has a
.note.gnu.property section, against ld.bfd.

bfd reports each object's missing properties (warning, or error and exit 1) in -r links too, and
-z ibt / -z shstk / -z x86-64-vN make a property note of its own, the output's first section after
the groups.  braze skipped the property merge when no input had a note: no report, no note (the
options were silently ignored).  Compared: the messages (error lines as braze writes them:
`error: FILE: ...`), exit status, the output's property note and section list."""
from __future__ import annotations

import re
import subprocess

import pytest

SRC = {
    "plain": '  .text\n  .globl f\nf: ret\n  .data\n  .long 1\n  .section .rodata,"a"\n  .long 2\n',
    "group": '  .section .text.g,"axG",@progbits,grp,comdat\n  .globl g\ng: ret\n  .text\n  .globl f1\nf1: call g\n  ret\n',
}
OPTS = [["-z", "cet-report=error"], ["-z", "cet-report=warning"], ["-z", "ibt", "-z", "cet-report=warning"],
        ["-z", "shstk", "-z", "cet-report=error"], ["-z", "lam-u48-report=error"], ["-z", "lam-u57-report=warning"],
        ["-z", "ibt"], ["-z", "shstk"], ["-z", "x86-64-v2"]]


def _msgs(stderr: str) -> list[str]:
    out = []
    for ln in stderr.splitlines():
        ln = re.sub(r"^\S*?(ld\.bfd|braze): ", "", ln)
        out.append(re.sub(r"^(\S+): error: ", r"error: \1: ", ln))
    return out


def _view(path) -> tuple:
    if not path.exists():
        return None, None
    notes = subprocess.run(["readelf", "-n", str(path)], capture_output=True, text=True).stdout
    secs = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True).stdout
    return (re.findall(r"Properties: (.*)", notes),
            re.findall(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", secs))


@pytest.mark.parametrize("src", list(SRC))
@pytest.mark.parametrize("opts", OPTS, ids=lambda o: "_".join(o[1::2]))
def test_r_cet_report(tmp_path, direct_ld, opts, src):
    (tmp_path / "a.s").write_text(SRC[src] + '  .section .note.GNU-stack,"",@progbits\n')
    subprocess.run(["as", "a.s", "-o", "a.o"], cwd=tmp_path, check=True)
    pb = subprocess.run(["ld.bfd", "-r", *opts, "a.o", "-o", "b.o"], cwd=tmp_path, capture_output=True, text=True)
    pt = subprocess.run([*direct_ld, "-r", *opts, "a.o", "-o", "t.o"], cwd=tmp_path, capture_output=True, text=True)
    assert (pt.returncode, _msgs(pt.stderr)) == (pb.returncode, _msgs(pb.stderr))
    if pb.returncode == 0:
        assert _view(tmp_path / "t.o") == _view(tmp_path / "b.o")
