"""x86-64 PIE (-static-pie, or a dynamic PIE no library of which defines __tls_get_addr): the
relaxed general/local-dynamic TLS sequences' call to an undefined __tls_get_addr.

bfd's scan counts the call's R_X86_64_PLT32 (PLTOFF64 in the large model) before it relaxes the
sequence, so the symbol keeps a PLT entry, a .got.plt slot and a .rela.plt entry, none of which it
ever writes: .plt is 16 bytes larger (an all-zero entry), .got.plt 8, and .rela.plt holds an
R_X86_64_NONE at offset 0.  With -fno-plt (`call *__tls_get_addr@GOTPCREL(%rip)`) the same happens
to its GOT slot: an R_X86_64_NONE in .rela.dyn.  Every g++ -static-pie program has one (libstdc++.a's
eh_globals.o).  braze reserved none (every address after .plt moved by 16) and refused the dynamic
PIE.  Compared with ld.bfd: the section headers (not .strtab/.shstrtab), the R_X86_64_NONE entries
per relocation section, and the programs' runs."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir

MAIN = r"""#include <stdio.h>
__thread int tv = 5;
int get(void);
int getl(void);
int main(void) { printf("%d %d\n", get(), getl()); return 0; }
"""
USE = """extern __thread int tv;
static __thread int lv = 3;
int get(void) { return tv; }
int getl(void) { return lv; }
"""
CXX = r"""#include <stdexcept>
#include <string>
#include <iostream>
thread_local std::string tl = "x";
int f(int x) { if (x > 2) throw std::runtime_error("boom"); return x; }
int main(int c, char **) {
  try { f(c + 5); } catch (std::exception &e) { std::cout << e.what() << tl << "\n"; }
  return 0;
}
"""
START = """int get(void);
int fb(void);
__thread int tv = 5;
void _start(void) { get(); fb(); for (;;) ; }
"""
LIB = "int fb(void) { return 2; }\n"
DYN_USE = "extern __thread int tv;\nint get(void) { return tv; }\n"


def _headers(path) -> list[tuple[str, ...]]:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and m.group(1) not in (".strtab", ".shstrtab"):
            rows.append(m.groups())
    return rows


def _none_relocs(path) -> dict[str, int]:
    out = subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True, check=True).stdout
    counts: dict[str, int] = {}
    sec = ""
    for line in out.splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            sec = m.group(1)
            counts[sec] = 0
        elif "R_X86_64_NONE" in line:
            counts[sec] += 1
    return counts


FLAGS = {"plt": [], "noplt": ["-fno-plt"], "large": ["-mcmodel=large"],
         "ld": ["-ftls-model=local-dynamic"]}


@pytest.mark.parametrize("kind", sorted(FLAGS))
def test_static_pie_relaxed_tls_call_as_bfd(tmp_path, braze_lddir, kind):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "use.c").write_text(USE)
    b.run(["gcc", "-O2", "-c", "main.c"])
    b.run(["gcc", "-O2", "-fPIC", *FLAGS[kind], "-c", "use.c"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), "-static-pie", "main.o", "use.o", "-o", out])
        run = b.run([out])
        got[linker] = (_headers(out), _none_relocs(out), run.stdout)
    nones = got["bfd"][1]
    assert sum(nones.values()) == 1, f"harness: bfd's unused entry not seen ({nones})"
    assert got["test"] == got["bfd"]


def test_static_pie_cxx_as_bfd(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "x.cc").write_text(CXX)
    b.run(["g++", "-O2", "-c", "x.cc"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"x-{linker}"
        b.run(["g++", *b.ld(linker), "-static-pie", "x.o", "-o", out])
        got[linker] = (_headers(out), _none_relocs(out), b.run([out]).stdout)
    assert got["bfd"][1].get(".rela.plt") == 1, "harness: bfd's unused PLT entry not seen"
    assert got["test"] == got["bfd"]


def test_dynamic_pie_undefined_tls_get_addr_as_bfd(tmp_path, braze_lddir):
    """A dynamic PIE whose libraries do not define __tls_get_addr (no ld.so): braze refused it."""
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "start.c").write_text(START)
    (tmp_path / "use.c").write_text(DYN_USE)
    (tmp_path / "lib.c").write_text(LIB)
    b.run(["gcc", "-fPIC", "-shared", "-nostdlib", "lib.c", "-o", "libB.so"])
    b.run(["gcc", "-O2", "-fPIC", "-c", "start.c", "use.c"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"d-{linker}"
        b.run(["gcc", *b.ld(linker), "-pie", "-nostdlib", "start.o", "use.o", "./libB.so", "-o", out])
        plt = subprocess.run(["objcopy", "-O", "binary", "-j", ".plt", str(out), "/dev/stdout"],
                             capture_output=True, check=True).stdout
        got[linker] = (_headers(out), _none_relocs(out), plt)
    assert got["bfd"][1].get(".rela.plt") == 1, "harness: bfd's unused PLT entry not seen"
    assert got["test"] == got["bfd"]
