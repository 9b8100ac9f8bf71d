"""gdb on a braze-linked C++ program built with -g: a breakpoint set by function name is hit, and
the backtrace through C++ frames (template, lambda in std::function, method) names the same
functions, files and lines as with the bfd-linked program — .symtab and the debug sections are
intact.  Addresses are not compared (the layouts may differ)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import REPO, Store, _clip, do_link, linker_flags, need_tool, run_env, tool_env

SRC = REPO / "tests" / "gdb" / "frames.cc"
LINK_MODES = {"pie": [], "static": ["-static"]}
_HEX = re.compile(r"0x[0-9a-f]+")


def _backtrace(exe: str, rundir) -> list[str]:
    rundir.mkdir(parents=True, exist_ok=True)
    p = subprocess.run([need_tool("gdb"), "-batch", "-nx", "-ex", "break braze_gdb::braze_leaf", "-ex", "run",
                        "-ex", "bt", exe], cwd=rundir, env=run_env(rundir, {}), capture_output=True, text=True,
                       errors="replace", timeout=120)
    return [_HEX.sub("ADDR", l) for l in p.stdout.splitlines() if l.startswith(("#", "Breakpoint 1,"))]


@pytest.mark.parametrize("mode", sorted(LINK_MODES))
def test_gdb_break_and_backtrace(mode, store: Store, braze_lddir, under_test_label, tmp_path):
    objdir = store.dir("gdb-obj")
    with store.locked("gdb-obj"):
        if not (objdir / "frames.o").exists():
            objdir.mkdir(parents=True, exist_ok=True)
            p = subprocess.run(["g++", "-g", "-O1", "-c", str(SRC), "-o", str(objdir / "frames.o")],
                               capture_output=True, text=True, env=tool_env())
            assert p.returncode == 0, p.stderr
    traces = {}
    for label, linker in (("bfd", "bfd"), (under_test_label, braze_lddir)):
        out = tmp_path / f"prog-{label}"
        res = do_link(["g++", *linker_flags(linker), *LINK_MODES[mode], str(objdir / "frames.o"), "-o", str(out)],
                      tmp_path, out)
        assert res.ok, res.describe(label)
        traces[label] = _backtrace(str(out), tmp_path / f"run-{label}")
    ref, got = traces["bfd"], traces[under_test_label]
    text = "\n".join(ref)
    assert "Breakpoint 1, braze_gdb::braze_leaf" in text and "Walker::walk" in text and " main () at " in text, (
        "harness: gdb on the bfd-linked program did not stop in braze_leaf with a full backtrace:\n" + _clip(text))
    assert got == ref, ("gdb's backtrace differs from the one of the bfd-linked program\n--- bfd\n" + _clip(text)
                        + "\n--- under test\n" + _clip("\n".join(got)))
