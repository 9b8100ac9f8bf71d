"""-Map's "Merging program properties" lines for x86 FEATURE_1_AND (IBT, SHSTK, LAM), against
ld.bfd 2.40. bfd reports a merge of two objects' values whenever they differ, even when the result
is the first one's (an IBT-only object first, then a full-CET one: `Updated … (0x1)`); with
-z ibt/shstk/lam-u48/lam-u57 it first ORs the forced bits into the first object's value and into each
result, and a merge with an object without the property gives the forced bits (`Updated … (2) …
(not found)`, the value without its 0x). braze printed nothing in the first case and `Removed` lines
with -z ibt/shstk, and refused -Map with -z lam-*.
Compared: the section of the map, and the output's property note (readelf -n)."""
from __future__ import annotations

import platform
import subprocess

import pytest

from harness import BuildDir, tool_env

if platform.machine() != "x86_64":
    pytest.skip("x86 properties", allow_module_level=True)

SRC = "int f(void) { return 1; }\n"
MAIN = "int main(void) { return 0; }\n"
# object name -> gcc's -fcf-protection= (none: no FEATURE_1_AND; branch: IBT 0x1; return: SHSTK 0x2; full: 0x3)
CET = {"fn": "none", "fb": "branch", "fr": "return", "ff": "full"}
ORDERS = ["fb ff", "ff fb", "fb fb2", "fn fb", "fb fn ff", "fn fr", "fb fr", "fr fb ff"]
ZS = {"none": [], "ibt": ["-Wl,-z,ibt"], "shstk": ["-Wl,-z,shstk"], "cet": ["-Wl,-z,ibt,-z,shstk"],
      "lam-u48": ["-Wl,-z,lam-u48"], "lam-u57-ibt": ["-Wl,-z,lam-u57,-z,ibt"]}


def _merging(path) -> str:
    text = path.read_text()
    return text[text.find("Merging program properties"):text.find("Discarded input sections")]


def _props(path) -> str:
    out = subprocess.run(["readelf", "-W", "-n", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return "\n".join(ln for ln in out.splitlines() if "Properties" in ln or "feature" in ln)


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("mapprops"), braze_lddir)
    (w.root / "f.c").write_text(SRC)
    (w.root / "m.c").write_text(MAIN)
    for name, cet in CET.items():
        w.run(["gcc", "-O2", f"-fcf-protection={cet}", "-c", "f.c", "-o", f"{name}.o"])
        w.run(["gcc", "-O2", f"-fcf-protection={cet}", "-c", "m.c", "-o", f"m{name}.o"])
    w.run(["gcc", "-O2", "-fcf-protection=branch", "-c", "m.c", "-o", "fb2.o"])
    return w


def _link(work, linker, tag, args):
    out = work.root / f"{tag}-{linker}"
    work.run(["gcc", *work.ld(linker), "-o", out, *args, f"-Wl,-Map,{out}.map",
              "-Wl,--allow-multiple-definition"])
    return _merging(work.root / f"{out.name}.map"), _props(out)


@pytest.mark.parametrize("z", sorted(ZS))
@pytest.mark.parametrize("order", ORDERS)
def test_freestanding_merge_lines(work, order, z):
    """No start files: the first object with a note is one of the test's."""
    objs = [f"{o}.o" for o in order.split()]
    tag = f"fs-{order.replace(' ', '_')}-{z}"
    res = {lk: _link(work, lk, tag, ["-nostartfiles", "-e", "f", *objs, *ZS[z]]) for lk in ("bfd", "test")}
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("z", sorted(ZS))
@pytest.mark.parametrize("main", ["mfn", "mff", "mfb"])
@pytest.mark.parametrize("mode", ["-pie", "-static"])
def test_gcc_driven_merge_lines(work, main, z, mode):
    """With gcc's start files: Scrt1.o/crt1.o (a note without FEATURE_1_AND) comes first."""
    tag = f"gd-{main}-{z}{mode}"
    args = [mode, f"{main}.o", "ff.o", "fb.o", *ZS[z]]
    res = {lk: _link(work, lk, tag, args) for lk in ("bfd", "test")}
    assert res["test"] == res["bfd"]


def test_bfd_reports_unchanged_merge(work):
    """The rule the tests rest on: bfd writes an Updated line for an IBT-only object merged with a
    full-CET one, though the result stays IBT."""
    lines, _props_ = _link(work, "bfd", "probe", ["-nostartfiles", "-e", "f", "fb.o", "ff.o"])
    assert "Updated property 0xc0000002 (0x1) to merge fb.o (0x1) and ff.o (0x3)" in lines, lines
