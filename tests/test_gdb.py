"""gdb on a braze-linked C++ program built with -g: breakpoints by (C++) function name, backtraces
through frames of several objects, a COMDAT template and __cxa_throw, printing variables and
types.  The same gdb script runs on bfd's link; the transcripts (addresses and pids masked) must
be identical, so a damaged .symtab, .debug_* section or .eh_frame shows up as a difference."""
from __future__ import annotations

import difflib
import re
import subprocess

import pytest

from harness import bfd_link, get_case, link_case, need_tool, tool_env

CASE = "cxx_gdb"
MODES = ("pie", "nopie-static-libstdcxx")

GDB_SCRIPT = """\
set pagination off
set width 0
set confirm off
set print thread-events off
break geo::Walker::leaf
catch throw
run
bt
p *this
p geo::walks
up 2
info symbol $pc
p w.name
ptype geo::Walker
delete 1
continue
bt
continue
"""


def _gdb(exe: str, tmp_path, label: str) -> str:
    d = tmp_path / label
    d.mkdir()
    script = d / "cmds.gdb"
    script.write_text(GDB_SCRIPT)
    p = subprocess.run([need_tool("gdb"), "-nx", "-batch", "-x", str(script), exe], cwd=d,
                       capture_output=True, text=True, errors="replace", timeout=120,
                       env=tool_env({"HOME": str(d)}))
    text = (p.stdout + p.stderr).replace(exe, "PROG")
    text = re.sub(r"0x[0-9a-f]+", "ADDR", text)
    return re.sub(r"process \d+", "process N", text)


@pytest.mark.parametrize("mode", MODES)
def test_gdb_session_matches_bfd(mode, store, braze_lddir, under_test_label, tmp_path):
    case = get_case(CASE)
    ref = bfd_link(store, case, mode)
    got = link_case(store, case, mode, braze_lddir, under_test_label)
    assert got.ok, "the link with the linker under test failed\n" + got.describe("under test")
    want = _gdb(ref.exe, tmp_path, "bfd")
    # harness sanity: the reference session really stopped and unwound where the script says
    for needle in ("Breakpoint 1, geo::Walker::leaf (this=", "in run_walk<int> (v=4)",
                   "Catchpoint 2 (exception thrown)", "in walk_from_other_object (v=200)",
                   '"w4"', "exited normally"):
        assert needle in want, f"harness: bfd's gdb session lacks {needle!r}\n{want}"
    have = _gdb(got.exe, tmp_path, "test")
    if have != want:
        diff = "\n".join(difflib.unified_diff(want.splitlines(), have.splitlines(), "gdb (bfd)",
                                              "gdb (under test)", lineterm=""))
        pytest.fail(f"gdb session differs from bfd's link [{mode}]\n{diff}", pytrace=False)
