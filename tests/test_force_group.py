"""--force-group-allocation: bfd's default in a final link (the option changes nothing there: the same
output as without it, and the program behaves as bfd's); with -r, where it would place group members
as a final link does, braze refuses it (exit 1, no output) instead of keeping the groups."""
from __future__ import annotations

import subprocess

from harness import tool_env

SRC = "inline int f(int x) { return x * 3; }\nint g(int x) { return f(x) + 1; }\nint main() { return g(4); }\n"


def _run(cmd, cwd, check=True):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0 or not check, p.stderr
    return p


def test_final_link_is_unchanged(tmp_path, braze_lddir):
    (tmp_path / "a.cc").write_text(SRC)
    _run(["g++", "-c", "-O0", "a.cc", "-o", "a.o"], tmp_path)     # f is a COMDAT group
    assert "COMDAT" in _run(["readelf", "-g", "a.o"], tmp_path).stdout
    outs = {}
    for name, opts in (("bfd", ["-fuse-ld=bfd", "-Wl,--force-group-allocation"]), ("plain", [f"-B{braze_lddir}"]),
                       ("forced", [f"-B{braze_lddir}", "-Wl,--force-group-allocation"])):
        _run(["g++", *opts, "a.o", "-o", name], tmp_path)
        outs[name] = (tmp_path / name).read_bytes()
        assert _run([tmp_path / name], tmp_path, check=False).returncode == 13
    assert outs["forced"] == outs["plain"]


def test_relocatable_is_refused(tmp_path, direct_ld):
    (tmp_path / "a.cc").write_text(SRC)
    _run(["g++", "-c", "-O0", "a.cc", "-o", "a.o"], tmp_path)
    bfd = _run(["ld.bfd", "-r", "--force-group-allocation", "a.o", "-o", "bfd.o"], tmp_path)
    assert "COMDAT" not in _run(["readelf", "-g", "bfd.o"], tmp_path).stdout    # bfd drops the groups
    p = _run([*direct_ld, "-r", "--force-group-allocation", "a.o", "-o", "out.o"], tmp_path, check=False)
    assert bfd.returncode == 0
    assert p.returncode == 1 and "--force-group-allocation is not supported with -r" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and not (tmp_path / "out.o").exists()
