"""x86-64 medium/large code model: bfd's script places `.lrodata` and `.ldata` at
`ALIGN(MAXPAGESIZE) + (. & (MAXPAGESIZE - 1))`. An output section whose statement gives its address
starts exactly there, unaligned: its input sections are aligned inside it (the padding belongs to
the section) and sh_addralign drops to the alignment the address has (elf.c elf_fake_sections).
braze aligned the section's start instead (`.lrodata` at 0x77c20 with alignment 32 where bfd has
0x77c10, alignment 16, and 16 bytes more size). Found comparing Rust/C medium-model builds.

Compared with ld.bfd: the allocated sections (name, type, address, offset, size, alignment), the
program headers, the symbols' values, and the program's output."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import tool
from harness import tool_env

PROGS = {
    # .lbss ends 16 past a 32 boundary: .lrodata's address is 16-aligned, its input 32-aligned
    "med2": r"""
#include <stdio.h>
int big[100000] = {1};
int bigz[100000];
const int cbig[30000] = {5, 6};
static char lb[70000];
int small = 3;
int main(int c, char **v) { bigz[5] = 2; lb[c] = 1;
  printf("%d %d %d %d %d\n", big[0], bigz[5], cbig[c], small, lb[1]); return 0; }
""",
    # inputs of two alignments in .lrodata and .ldata, odd-sized .lbss before them
    "mixed": r"""
#include <stdio.h>
static char z1[65541];
const char r1[70001] = {7};
const long r2[9000] = {11, 12};
char d1[70003] = {3};
long d2[9001] = {4, 5};
int main(int c, char **v) { z1[c] = 9;
  printf("%d %d %ld %d %ld %d\n", z1[1], r1[0], r2[c], d1[0], d2[c], (int)(sizeof z1)); return 0; }
""",
}
CASES = {f"{p}{m}{f}": (p, m, f) for p in PROGS for m in ("-mcmodel=medium", "-mcmodel=large")
         for f in ("-pie", "-no-pie", "-static")}


def _facts(path: Path) -> dict:
    secs = []
    for ln in tool(["readelf", "-SW", str(path)], None).splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) >= 8 and "A" in f[7]:
            secs.append((f[1], f[2], f[3], f[4], f[5], f[-1]))
    ph = tool(["readelf", "-lW", str(path)], None).partition("Program Headers:")[2].partition("Section to")[0]
    phdrs = [tuple(ln.split()) for ln in ph.splitlines()[1:] if ln.strip() and not ln.strip().startswith("[")]
    names = ("big", "bigz", "cbig", "small", "r1", "r2", "d1", "d2", "_edata", "_end", "__bss_start")
    syms = sorted(f[1] + " " + f[-1] for f in (ln.split() for ln in
                  tool(["readelf", "-sW", str(path)], None).splitlines()) if len(f) >= 8 and f[-1] in names)
    return {"sections": secs, "phdrs": phdrs, "syms": syms}


@pytest.mark.parametrize("case", list(CASES))
def test_large_model_sections_as_bfd(tmp_path, braze_lddir, case):
    prog, model, mode = CASES[case]
    (tmp_path / "p.c").write_text(PROGS[prog])
    subprocess.run(["gcc", "-O1", model, "-fPIE" if mode == "-pie" else "-fno-pie", "-c", "p.c"], cwd=tmp_path,
                   env=tool_env(), check=True)
    facts, outs = {}, {}
    for linker in ("bfd", "braze"):
        out = tmp_path / linker
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run(["gcc", *ld, mode, "p.o", "-o", str(out)], cwd=tmp_path, env=tool_env(),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        facts[linker] = _facts(out)
        outs[linker] = subprocess.run([str(out)], capture_output=True, text=True, timeout=20).stdout
    assert outs["braze"] == outs["bfd"] and outs["bfd"]
    assert facts["braze"] == facts["bfd"]
