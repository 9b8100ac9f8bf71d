"""-z max-page-size / -z common-page-size against ld.bfd, including a common page size larger than the
maximum one (arch/base.py Target.setup):

* only -z common-page-size given, larger than the default maximum: bfd lays the segments out by the
  common page size, while PT_LOAD's p_align stays the default;
* only -z max-page-size given, smaller than the default common page size: the common one follows it;
* both given, common larger: bfd refuses the link ("common page size (0x..) > maximum page size
  (0x..)"), and so must the linker under test, leaving no output behind.

A C program is linked by both through gcc; compared: every program header, every section's address
and file offset, and the program's output.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from harness import RUN_TIMEOUT, run_env, tool_env

PROG = r"""
#include <stdio.h>
int counter = 5;
const char *msg = "page sizes";
int main(void) { printf("%s %d\n", msg, counter); return 0; }
"""


def _view(path: Path) -> dict:
    with open(path, "rb") as f:
        e = ELFFile(f)
        phdrs = [(p["p_type"], p["p_offset"], p["p_vaddr"], p["p_filesz"], p["p_memsz"], p["p_flags"], p["p_align"])
                 for p in e.iter_segments()]
        secs = [(s.name, s["sh_addr"], s["sh_offset"]) for s in e.iter_sections() if s["sh_addr"]]
    return {"phdrs": phdrs, "sections": secs}


@pytest.fixture(scope="module")
def obj(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pagesize")
    (d / "p.c").write_text(PROG)
    subprocess.run(["gcc", "-c", "-O1", "p.c", "-o", "p.o"], cwd=d, check=True, env=tool_env())
    return d / "p.o"


def _link(obj: Path, out: Path, ld: str, flags: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(["gcc", ld, str(obj), *flags, "-o", str(out)], capture_output=True, text=True,
                          env=tool_env(), timeout=120)


@pytest.mark.parametrize("flags", [
    ["-Wl,-z,common-page-size=0x10000"],
    ["-no-pie", "-Wl,-z,common-page-size=0x4000"],
    ["-static", "-Wl,-z,common-page-size=0x2000"],
    ["-Wl,-z,common-page-size=0x800"],
    ["-Wl,-z,max-page-size=0x10000"],
    ["-Wl,-z,max-page-size=0x4000,-z,common-page-size=0x4000"],
    ["-Wl,-z,max-page-size=0x10000,-z,common-page-size=0x2000"],
], ids=lambda f: " ".join(f))
def test_page_sizes_like_bfd(obj, braze_lddir, tmp_path, flags):
    res = {}
    for tag, ld in (("bfd", "-fuse-ld=bfd"), ("braze", f"-B{braze_lddir}/")):
        exe = tmp_path / f"p-{tag}"
        p = _link(obj, exe, ld, flags)
        assert p.returncode == 0, f"{tag}: {p.stderr}"
        r = subprocess.run([exe], env=run_env(tmp_path, {}), capture_output=True, text=True, timeout=RUN_TIMEOUT)
        res[tag] = (r.returncode, r.stdout, _view(exe))
    assert res["bfd"][:2] == (0, "page sizes 5\n")
    assert res["braze"] == res["bfd"]


@pytest.mark.parametrize("flags", [
    ["-Wl,-z,common-page-size=0x10000,-z,max-page-size=0x1000"],
    ["-Wl,-z,max-page-size=0x4000,-z,common-page-size=0x10000"],
], ids=lambda f: " ".join(f))
def test_common_page_size_above_given_maximum_is_refused(obj, braze_lddir, tmp_path, flags):
    bfd = _link(obj, tmp_path / "p-bfd", "-fuse-ld=bfd", flags)
    assert bfd.returncode != 0 and "common page size" in bfd.stderr
    out = tmp_path / "p-braze"
    p = _link(obj, out, f"-B{braze_lddir}/", flags)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    want = re.search(r"(common page size \(0x[0-9a-f]+\) > maximum page size \(0x[0-9a-f]+\))", bfd.stderr).group(1)
    assert f"braze: error: {want}" in p.stderr
    assert not out.exists()
