"""A script that puts .got.plt among .got's inputs (`.got : { *(.got) *(.igot) *(.got.plt)
*(.igot.plt) }`, no .got.plt statement), against ld.bfd on x86-64 and aarch64, lazy and -z now.

bfd's DT_PLTGOT is the .got.plt input's address inside .got, and .rela.plt's sh_info names .got.
braze wrote no DT_PLTGOT (it looked for a .got.plt output section) and sh_info 0: the lazy PLT's
resolver found no GOT and the program crashed (and .dynamic was one tag short).

Compared: DT_PLTGOT, .rela.plt's sh_info (as a section name), .got's header and the program's
output."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = r"""#include <stdio.h>
#include <stdlib.h>
int shared_var = 1;
int main(void) { printf("%d %d\n", abs(-3), shared_var); puts("hi"); return 0; }
"""

ARCHES = {"x86_64": ("gcc", "readelf", "ld.bfd", []),
          "aarch64": ("aarch64-linux-gnu-gcc", "aarch64-linux-gnu-readelf", "aarch64-linux-gnu-ld",
                      ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])}


def _script(ld) -> str:
    out = subprocess.run([ld, "--verbose"], capture_output=True, text=True, env=tool_env(), check=True).stdout
    s = out.split("=" * 50)[1]
    s, n1 = re.subn(r"\.got\s*: \{ \*\(\.got\) \*\(\.igot\) \}", ".got : { *(.got) *(.igot) *(.got.plt) *(.igot.plt) }", s)
    s, n2 = re.subn(r"\.got\.plt\s*: \{ \*\(\.got\.plt\) \*\(\.igot\.plt\) \}", "", s)
    s = re.sub(r"DATA_SEGMENT_RELRO_END \(SIZEOF \(\.got\.plt\) >= 24 \? 24 : 0, \.\)", "DATA_SEGMENT_RELRO_END (0, .)", s)
    assert n1 == 1 and n2 == 1, "the default script's .got statements changed"
    return s


def _view(readelf, path) -> tuple:
    out = subprocess.run([readelf, "-W", "-S", "-d", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    secs = re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+(\S+)\s+\S+\s+(\S+)\s+\S+\s+\S*\s+\d+\s+(\d+)", out, re.M)
    names = {n: name for n, name, *_ in secs}
    info = next(names.get(i) for _n, name, _a, _s, i in secs if name == ".rela.plt")
    got = next((a, s) for _n, name, a, s, _i in secs if name == ".got")
    pltgot = re.findall(r"\(PLTGOT\)\s+(\S+)", out)
    return pltgot, info, got


@pytest.mark.parametrize("now", [False, True], ids=["lazy", "now"])
@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_gotplt_inside_got(tmp_path, braze_lddir, arch, now):
    cc, readelf, ld, runner = ARCHES[arch]
    if not shutil.which(cc):
        pytest.fail(f"{cc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(SRC)
    (tmp_path / "s.ld").write_text(_script(ld))
    b.run([cc, "-O2", "-fno-pie", "-c", "m.c"])
    views, outs = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"p-{linker}"
        b.run([cc, *b.ld(linker), "-no-pie", "m.o", "-Wl,-T,s.ld", "-Wl,-z,norelro", *(["-Wl,-z,now"] if now else []),
               "-o", exe])
        views.append(_view(readelf, exe))
        outs.append(b.run([*runner, exe], check=False))
    assert views[0][0] and views[0][1] == ".got"        # (bfd's, as measured)
    assert views[1] == views[0]
    assert (outs[1].returncode, outs[1].stdout) == (outs[0].returncode, outs[0].stdout) == (0, "3 1\nhi\n")
