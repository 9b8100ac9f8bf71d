"""-z pack-relative-relocs with a SECTIONS script, against ld.bfd: the SECTIONS engine sized
.relr.dyn as one word per relative relocation and never encoded it, so the section held zeros and a
static PIE crashed in its self-relocation (a dynamic PIE or library: the loader relocated address 0).
Found by tests/progen.py. The scripts are bfd's own default scripts (`ld --verbose`), verbatim.
Compared: the programs' output, .relr.dyn's size, and the addresses the encoded table relocates
(as offsets into their output sections, by section name; .got's slots only counted)."""
from __future__ import annotations

import struct
import subprocess

import pytest

from harness import BuildDir
from test_scripts_dynamic import bfd_default_script

MAIN = r"""
#include <stdio.h>
int x = 5, y[40];
int *px = &x, *tab[40];
const char *msg = "relr";
int lib_get(void);
int main(void) {
  for (int i = 0; i < 40; i++) tab[i] = &y[i];
  printf("%d %s %d %d\n", *px, msg, (int)(tab[39] - tab[0]), LIB);
  return 0;
}
"""
LIB = r"""
int lv = 9; int *lp[20] = {&lv, &lv, &lv};
int lib_get(void) { return *lp[2]; }
"""


def _relr(path):
    """(size, sorted (section name, offset) of every relocated word) of .relr.dyn."""
    from elftools.elf.elffile import ELFFile
    with open(path, "rb") as f:
        e = ELFFile(f)
        s = e.get_section_by_name(".relr.dyn")
        data = s.data()
        secs = [(x.name, x["sh_addr"], x["sh_addr"] + x["sh_size"]) for x in e.iter_sections() if x["sh_addr"]]
    addrs, base = [], 0
    for i in range(0, len(data), 8):
        w, = struct.unpack_from("<Q", data, i)
        if not w & 1:
            addrs.append(w)
            base = w + 8
        else:
            for j in range(63):
                if w >> (j + 1) & 1:
                    addrs.append(base + 8 * j)
            base += 63 * 8
    where = []
    for a in addrs:
        n = next(((name, a - lo) for name, lo, hi in secs if lo <= a < hi), ("?", a))
        # (the order of GOT slots follows bfd's hash table, not reproduced: counted, not placed)
        where.append((n[0], -1) if n[0] == ".got" else n)
    return len(data), sorted(where)


@pytest.mark.parametrize("mode", ["static-pie", "pie", "shared"])
def test_relr_with_default_script_vs_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN.replace("LIB", "lib_get()" if mode == "shared" else "0"))
    (tmp_path / "lib.c").write_text(LIB)
    b.run(["gcc", "-O1", "-fPIE", "-c", "main.c", "-o", "main.o"])
    b.run(["gcc", "-O1", "-fPIC", "-c", "lib.c", "-o", "lib.o"])
    flags = {"static-pie": ["-pie"], "pie": ["-pie"], "shared": ["-shared"]}[mode]
    (tmp_path / "s.ld").write_text(bfd_default_script("-z", "relro", "-z", "pack-relative-relocs", *flags))
    res = []
    for linker in ("bfd", "test"):
        if mode == "shared":
            lib = tmp_path / f"librl-{linker}.so"
            b.run(["gcc", *b.ld(linker), "-shared", "-Wl,-z,pack-relative-relocs", "-Wl,-T,s.ld", "lib.o", "-o", lib])
            out = tmp_path / f"rl-{linker}"
            b.run(["gcc", *b.ld(linker), "main.o", lib, f"-Wl,-rpath,{tmp_path}", "-o", out])
            view = _relr(lib)
        else:
            out = tmp_path / f"rl-{linker}"
            b.run(["gcc", *b.ld(linker), f"-{mode}", "-Wl,-z,pack-relative-relocs", "-Wl,-T,s.ld", "main.o",
                   "lib.o", "-o", out])
            view = _relr(out)
        run = subprocess.run([str(out)], capture_output=True, text=True)
        res.append((run.returncode, run.stdout, view))
    assert res[0][0] == 0 and res[0][1].startswith("5 relr 39")
    assert res[1] == res[0]
