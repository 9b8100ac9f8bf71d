"""Objects with more than 65,280 sections (e_shnum 0, SHN_XINDEX, SHT_SYMTAB_SHNDX): what
`-ffunction-sections -fdata-sections` makes of a big translation unit.  Symbols defined in sections
numbered 0xff00 and up -- globals, locals reached through section symbols, a COMDAT group -- must
resolve as with ld.bfd: the programs print the same values, and the symbol tables agree."""
from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, run_env, sh, tool_env

N = 33000                      # two sections a function: 66,000+ sections in one object
STEP = 997


def _many_s() -> str:
    out = []
    for i in range(N):
        out.append(f'.section .text.f{i},"ax",@progbits\n.globl f{i}\n.type f{i},@function\nf{i}:\n'
                   f' lea {i}(%rdi),%eax\n ret\n.size f{i},.-f{i}\n'
                   f'.section .data.d{i},"aw",@progbits\n.globl d{i}\n.type d{i},@object\n'
                   f'd{i}: .long {i}\n.size d{i},4\nl{i}: .long {i * 3}\n')
    # a COMDAT group in a section numbered above 0xff00; the copy in other.s loses (first one wins)
    out.append('.section .text.cg,"axG",@progbits,cg,comdat\n.globl cg\n.type cg,@function\ncg:\n'
               ' mov $111,%eax\n ret\n.size cg,.-cg\n')
    # pointers to locals in high sections (relocations against their section symbols) and functions
    out.append('.section .data.rel.tab,"aw",@progbits\n.globl tab\ntab:\n'
               + "".join(f" .quad l{i}\n .quad f{i}\n" for i in range(0, N, STEP)) + " .quad 0\n")
    return "".join(out)


OTHER_S = ('.section .text.cg,"axG",@progbits,cg,comdat\n.globl cg\n.type cg,@function\ncg:\n'
           ' mov $222,%eax\n ret\n.size cg,.-cg\n')

MAIN_C = r"""
#include <stdio.h>
struct ent { int *local; int (*fn)(int); };
extern struct ent tab[];
extern int d17, d32999, d30000;
int f32999(int), f100(int), cg(void);
int main(void) {
    long sum = 0;
    for (struct ent *e = tab; e->local; e++)
        sum += *e->local * 7 + e->fn(1);
    printf("%ld %d %d %d %d %d %d\n", sum, d17, d32999, d30000, f32999(0), f100(0), cg());
    return 0;
}
"""


def _run(cmd, cwd: Path):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def objs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("many")
    (d / "many.s").write_text(_many_s())
    (d / "other.s").write_text(OTHER_S)
    (d / "main.c").write_text(MAIN_C)
    for mode, flag in (("pie", "-fPIE"), ("nopie", "-fno-pie")):
        _run(["gcc", "-c", flag, "-O1", d / "main.c", "-o", d / f"main-{mode}.o"], d)
    _run(["gcc", "-c", d / "many.s", "-o", d / "many.o"], d)
    _run(["gcc", "-c", d / "other.s", "-o", d / "other.o"], d)
    hdr = _run(["readelf", "-h", d / "many.o"], d).stdout
    assert "Number of section headers:         0 (" in hdr, f"harness: many.o has few sections:\n{hdr}"
    return d


def _symbols(exe: Path) -> Counter:
    """(name, type, bind, section name, size) of .symtab's non-FILE entries."""
    from elftools.elf.elffile import ELFFile
    with open(exe, "rb") as f:
        elf = ELFFile(f)
        names = {i: s.name for i, s in enumerate(elf.iter_sections())}
        out = Counter()
        for s in elf.get_section_by_name(".symtab").iter_symbols():
            shx = s["st_shndx"]
            out[(s.name, s["st_info"]["type"], s["st_info"]["bind"],
                 names.get(shx, shx) if isinstance(shx, int) else shx, s["st_size"])] += 1
        return out


@pytest.mark.parametrize("mode", ["pie", "nopie"])
@pytest.mark.parametrize("gc", [False, True], ids=["", "gc-sections"])
def test_many_sections_link_like_bfd(objs, braze_lddir, mode, gc):
    res = {}
    for linker, ld in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}/")):
        exe = objs / f"prog-{mode}-{gc}-{linker}"
        _run(["gcc", ld, f"-{'no-' if mode == 'nopie' else ''}pie", objs / f"main-{mode}.o", objs / "many.o",
              objs / "other.o", *(["-Wl,--gc-sections"] if gc else []), "-o", exe], objs)
        p = subprocess.run([exe], cwd=objs, env=run_env(objs, {}), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
        res[linker] = (p.returncode, p.stdout, p.stderr, _symbols(exe))
    ref, got = res["bfd"], res["test"]
    assert ref[0] == 0 and " 111" in ref[1], f"harness: bfd's program: {ref[:3]}"
    assert got[:3] == ref[:3]
    only_bfd, only_got = ref[3] - got[3], got[3] - ref[3]
    assert not only_bfd and not only_got, (f".symtab differs: only bfd's {sorted(only_bfd)[:10]}, "
                                           f"only under test {sorted(only_got)[:10]}")
