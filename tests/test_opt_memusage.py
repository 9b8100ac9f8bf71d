"""--print-memory-usage against ld.bfd: the table bfd prints on stdout (each MEMORY region's used size,
size and share used, in bfd's units and spacing; only the header without MEMORY), compared line for
line with the same objects and scripts (tests/scripts/memory*.ld, tests/scripts_opt/memusage_units.ld),
and the outputs' layouts stay bfd's (readelf -lSW without file offsets of non-alloc sections)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import REPO, tool_env
from test_scripts import build, objs  # noqa: F401  (the module fixtures: shared objects)

SCRIPTS = [REPO / "tests" / "scripts" / "memory.ld", REPO / "tests" / "scripts" / "memory_default.ld",
           REPO / "tests" / "scripts_opt" / "memusage_units.ld", REPO / "tests" / "scripts" / "basic.ld", None]


def _link(build, direct_ld, linker, name, args):  # noqa: F811
    d = build.root / f"mu-{linker}"
    d.mkdir(exist_ok=True)
    out = d / name
    cmd = (["ld.bfd"] if linker == "bfd" else list(direct_ld)) + [*map(str, args), "-o", str(out)]
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return p.stdout, out


def _sections(path: Path) -> list:
    p = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, env=tool_env())
    return [ln.split()[1:4] for ln in p.stdout.splitlines() if ln.strip().startswith("[") and " A" in ln]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.name if s else "no-script")
def test_print_memory_usage(script, build, objs, direct_ld):  # noqa: F811
    args = ["-static", "--print-memory-usage", "-e", "_start", *objs["plain"]]
    if script is not None:
        args[1:1] = ["-T", script]
    name = script.name if script else "default"
    want, bfd = _link(build, direct_ld, "bfd", name, args)
    got, mine = _link(build, direct_ld, "test", name, args)
    assert want.startswith("Memory region         Used Size  Region Size  %age Used\n")
    assert got == want
    if script is not None:
        assert len(want.splitlines()) > 1 or "MEMORY" not in script.read_text()
        assert _sections(mine) == _sections(bfd)
