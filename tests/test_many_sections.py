"""Objects with more than 65,280 sections (e_shnum 0, SHN_XINDEX, SHT_SYMTAB_SHNDX): what
`-ffunction-sections -fdata-sections` makes of a big translation unit.  Symbols defined in sections
numbered 0xff00 and up -- globals, locals reached through section symbols, a COMDAT group -- must
resolve as with ld.bfd: the programs print the same values, and the symbol tables agree."""
from __future__ import annotations

import os
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


def _link(objs: Path, linker: str, lddir: str, out: str, *args) -> subprocess.CompletedProcess:
    ld = "-fuse-ld=bfd" if linker == "bfd" else f"-B{lddir}/"
    return subprocess.run(["gcc", ld, *map(str, args), "-o", str(objs / out)], cwd=objs, env=tool_env(),
                          capture_output=True, text=True, timeout=600)


def _section_list(exe: Path) -> list[tuple]:
    """(name, type, flags, size) of every section header but the symbol/string tables and the hash
    table (bfd sizes .gnu.hash differently, and .shstrtab/.strtab are tail-merged differently); and
    .dynamic's size (bfd's non-PIE one has spare DT_NULL entries: same tags, more padding)."""
    from elftools.elf.elffile import ELFFile
    with open(exe, "rb") as f:
        return [(s.name, s["sh_type"], s["sh_flags"], s["sh_size"] if s.name != ".dynamic" else 0)
                for s in ELFFile(f).iter_sections()
                if s.name not in (".gnu.hash", ".strtab", ".shstrtab", ".symtab", ".symtab_shndx")]


def test_unique_output_with_extended_section_numbers(objs, braze_lddir):
    """--unique makes one output section of every .text.f*/.data.d* input: 66,000+ output sections, so
    e_shnum/e_shstrndx move to section 0 and .symtab gets a .symtab_shndx companion, as bfd writes."""
    from elftools.elf.elffile import ELFFile
    res = {}
    for linker in ("bfd", "test"):
        p = _link(objs, linker, braze_lddir, f"unique-{linker}", "-pie", objs / "main-pie.o", objs / "many.o",
                  objs / "other.o", "-Wl,--unique=.text.f*", "-Wl,--unique=.data.d*")
        assert p.returncode == 0, p.stderr
        exe = objs / f"unique-{linker}"
        r = subprocess.run([exe], cwd=objs, env=run_env(objs, {}), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT)
        with open(exe, "rb") as f:
            elf = ELFFile(f)
            hdr = (elf["e_shnum"], elf["e_shstrndx"], elf.num_sections(),
                   elf.get_section_by_name(".symtab_shndx") is not None)
        syms = _symbols(exe)
        # crtend's empty .tm_clone_table: bfd puts __TMC_END__ in .data, braze in the section before
        # where the empty one would be (the last --unique .data.d* section here)
        syms = Counter({k: v for k, v in syms.items() if k[0] != "__TMC_END__"})
        res[linker] = ((r.returncode, r.stdout), hdr, _section_list(exe), syms)
    ref, got = res["bfd"], res["test"]
    assert ref[1][0] == 0 and ref[1][2] > 0xff00 and ref[1][3], f"harness: bfd's header {ref[1]}"
    assert got[0] == ref[0]
    assert got[1] == ref[1], "(e_shnum, e_shstrndx, section count, has .symtab_shndx)"
    assert got[2] == ref[2], "section headers differ from bfd's"
    only_bfd, only_got = ref[3] - got[3], got[3] - ref[3]
    assert not only_bfd and not only_got, (f".symtab differs: only bfd's {sorted(only_bfd)[:10]}, "
                                           f"only under test {sorted(only_got)[:10]}")


def test_unique_too_many_sections_for_dynsym(objs, braze_lddir, direct_ld):
    """A dynamic symbol in a section numbered past 0xfeff cannot be written (.dynsym has no extended
    index table): bfd's 'too many sections' error, and no output."""
    for linker in ("bfd", "test"):
        p = _link(objs, linker, braze_lddir, f"unique-E-{linker}", "-pie", objs / "main-pie.o", objs / "many.o",
                  objs / "other.o", "-Wl,--unique=.text.f*", "-Wl,--unique=.data.d*", "-Wl,-E")
        assert p.returncode != 0 and "too many sections" in p.stderr, f"{linker}: {p.stderr}"
        assert not (objs / f"unique-E-{linker}").exists()
    assert "braze: error:" in p.stderr or os.environ.get("BRAZE_LDDIR")


UNIQUE_A = r"""
#include <stdio.h>
__attribute__((section("mysec"))) int m1 = 1;
int f1(int x) { return x + 1; }
int f2(int x) { return x * 2; }
static int s3(int x) { return x - 3; }
int g(int x) { return s3(x); }
extern int m2;
int main(void) { printf("%d %d %d %d\n", f1(1), f2(2), g(m1), m2); return 0; }
"""
UNIQUE_B = """__attribute__((section("mysec"))) int m2 = 2;\nint fb(int x) { return x + 7; }\n"""


@pytest.mark.parametrize("arg", ["", "=.text.f*", "=.text*", "=mysec"])
@pytest.mark.parametrize("mode", ["pie", "nopie"])
def test_unique_sections_like_bfd(tmp_path, braze_lddir, arg, mode):
    (tmp_path / "a.c").write_text(UNIQUE_A)
    (tmp_path / "b.c").write_text(UNIQUE_B)
    pie = "-fPIE" if mode == "pie" else "-fno-pie"
    _run(["gcc", "-c", "-O1", pie, "-ffunction-sections", "a.c", "b.c"], tmp_path)
    res = {}
    for linker in ("bfd", "test"):
        p = _link(tmp_path, linker, braze_lddir, linker, f"-{'no-' if mode == 'nopie' else ''}pie", "a.o", "b.o",
                  f"-Wl,--unique{arg}")
        assert p.returncode == 0, p.stderr
        r = subprocess.run([tmp_path / linker], cwd=tmp_path, env=run_env(tmp_path, {}), capture_output=True,
                           text=True, timeout=RUN_TIMEOUT)
        secs = _section_list(tmp_path / linker)
        if arg == "":
            # bfd also treats its own dynamic-relocation inputs as orphans and writes a .rela.dyn for
            # each; braze writes one (same relocations: DT_RELA/DT_RELASZ cover them all either way)
            rela = [s for s in secs if s[0] == ".rela.dyn"]
            secs = [s for s in secs if s[0] != ".rela.dyn"] + (
                [(".rela.dyn", rela[0][1], rela[0][2], sum(s[3] for s in rela))] if rela else [])
        res[linker] = ((r.returncode, r.stdout, r.stderr), secs)
    assert res["bfd"][0][0] == 0, f"harness: {res['bfd']}"
    assert [s[0] for s in res["bfd"][1]].count("mysec") == (2 if arg in ("", "=mysec") else 1), \
        f"harness: bfd's sections {res['bfd'][1]}"
    assert res["test"] == res["bfd"]
