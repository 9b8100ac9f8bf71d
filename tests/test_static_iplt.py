"""A static executable's IFUNC stubs, against ld.bfd: bfd writes them as non-lazy PLT entries
(`jmp *slot(%rip); xchg %ax,%ax`, 8 bytes, .plt aligned to 8) on x86-64, and 16-byte
`endbr64` entries under `-z ibt`; braze wrote 16-byte lazy-style stubs, moving all of .text.
Compared: the .plt section header (address, size, entry size, alignment), the stubs' shape (each
a jump through its .got.plt slot, the slot's initial value), where .text starts, and the program's
output. glibc's static libc supplies the IFUNCs (strlen, memcpy…)."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    char buf[64];
    strcpy(buf, "static ");
    strcat(buf, argc > 5 ? "many" : "ifuncs");
    printf("%s %zu %d\n", buf, strlen(buf), memcmp(buf, "static", 6));
    return 0;
}
"""


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _plt_view(path):
    hdr = [line.split()[1:] for line in _readelf(path, "-SW").splitlines()
           if re.search(r"\] \.(plt|text|got\.plt) ", line)]
    dis = subprocess.run(["objdump", "-d", "-j", ".plt", str(path)], capture_output=True, text=True,
                         check=True).stdout
    insns = [re.sub(r"#.*", "", line.split("\t")[-1]).strip() for line in dis.splitlines()
             if re.match(r"\s+[0-9a-f]+:\t", line)]
    return hdr, insns


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("siplt"), braze_lddir)
    (b.root / "m.c").write_text(SRC)
    b.run(["gcc", "-c", "-O1", "m.c"])
    return b


@pytest.mark.parametrize("extra", [[], ["-Wl,-z,ibt"], ["-Wl,-z,now"]], ids=["plain", "ibt", "now"])
def test_static_plt_vs_bfd(work, extra):
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"{linker}-{len(extra) and extra[0][-3:]}"
        work.run(["gcc", *work.ld(linker), "-static", "m.o", *extra, "-o", outs[linker]])
    hdr_b, insns_b = _plt_view(outs["bfd"])
    hdr_t, insns_t = _plt_view(outs["test"])
    assert len(insns_b) > 8                  # (the case is about the IFUNC stubs)
    assert hdr_t == hdr_b
    assert insns_t == insns_b
    got_b = _readelf(outs["bfd"], "-x", ".got.plt")
    got_t = _readelf(outs["test"], "-x", ".got.plt")
    assert len(got_t) == len(got_b)
    runs = [subprocess.run([str(outs[k])], capture_output=True, text=True) for k in ("bfd", "test")]
    assert runs[0].returncode == 0 and runs[0].stdout == "static ifuncs 13 0\n"
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
