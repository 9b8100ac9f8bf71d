"""Where bfd puts what an empty output section leaves behind, and the data segment after code, against
ld.bfd (layout.py's _rehome and _assign_loads):

* a symbol defined in an input section that ends up empty (crtend's __TMC_END__ in .tm_clone_table,
  an empty orphan between two orphans, an empty read-only orphan after the code) gets the address bfd
  gives it (after the kept section before it in bfd's order, orphans of one kind in the order met;
  the read-only one after the page alignment bfd's -z separate-code script makes after the code) and
  the section bfd's _bfd_nearby_section picks;
* with code followed directly by writable data (no read-only data at all), the data segment starts
  from the page after the code, as bfd's script aligns `.` there for the read-only data;
* a static x86-64 link's .got has sh_entsize 0, as bfd's.

Each case links the same object with ld.bfd and with the linker under test and compares the symbols'
values and section names, the PT_LOAD headers, and .got's entry size; the static C program also runs.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from harness import RUN_TIMEOUT, run_env, tool_env

ASM = r"""
	.section .orph_a,"aw"
	.quad 1
	.section .orph_empty,"aw"
	.hidden in_empty
	.globl in_empty
in_empty:
	.section .orph_b,"aw"
	.quad 2
	.section .ro_empty,"a"
	.hidden in_ro_empty
	.globl in_ro_empty
in_ro_empty:
	.section .tm_clone_table,"aw"
	.hidden tmc
	.globl tmc
tmc:
	.text
	.globl _start
_start:
	lea in_empty(%rip), %rax
	lea in_ro_empty(%rip), %rax
	lea tmc(%rip), %rax
	ret
	.section .note.GNU-stack,"",@progbits
"""

HELLO = r"""
#include <stdio.h>
extern char __TMC_END__[] __attribute__((weak, visibility("hidden")));
int main(void) { printf("%d\n", __TMC_END__ != 0); return 0; }
"""


def _view(path: Path, names) -> dict:
    with open(path, "rb") as f:
        e = ELFFile(f)
        secs = [s.name for s in e.iter_sections()]
        syms = {}
        for s in e.get_section_by_name(".symtab").iter_symbols():
            if s.name in names:
                sh = s["st_shndx"]
                syms[s.name] = (s["st_value"], secs[sh] if isinstance(sh, int) else sh)
        loads = [(p["p_offset"], p["p_vaddr"], p["p_filesz"], p["p_memsz"], p["p_flags"])
                 for p in e.iter_segments() if p["p_type"] == "PT_LOAD"]
        got = e.get_section_by_name(".got")
        return {"syms": syms, "loads": loads, "got_entsize": got["sh_entsize"] if got is not None else None}


@pytest.fixture(scope="module")
def obj(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("empty")
    (d / "e.s").write_text(ASM)
    subprocess.run(["as", "e.s", "-o", "e.o"], cwd=d, check=True, env=tool_env())
    return d / "e.o"


@pytest.mark.parametrize("flags", [["-static"], ["-no-pie"], ["-pie"], ["-shared"], ["-static", "-z", "norelro"],
                                   ["-no-pie", "-z", "noseparate-code"], ["-static", "-z", "now"]],
                         ids=lambda f: " ".join(f))
def test_empty_sections_and_data_segment_like_bfd(obj, direct_ld, tmp_path, flags):
    got = {}
    for tag, ld in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        out = tmp_path / f"out-{tag}"
        p = subprocess.run([*ld, *flags, str(obj), "-o", str(out)], capture_output=True, text=True,
                           env=tool_env(), timeout=120)
        assert p.returncode == 0, f"{tag}: {p.stderr}"
        assert "Traceback" not in p.stderr
        got[tag] = _view(out, ("in_empty", "in_ro_empty", "tmc"))
    if flags[0] in ("-pie", "-shared"):
        # (bfd keeps an empty linker-made .eh_frame there, in an empty PT_LOAD of its own: only the
        # values are compared)
        got = {k: {n: v[0] for n, v in g["syms"].items()} for k, g in got.items()}
    assert got["braze"] == got["bfd"]


@pytest.mark.parametrize("libc", ["glibc", "musl"])
def test_static_hello_tm_clone_end_like_bfd(tmp_path, braze_lddir, libc):
    (tmp_path / "h.c").write_text(HELLO)
    cc = "gcc" if libc == "glibc" else "musl-gcc"
    res = {}
    for tag, ld in (("bfd", "-fuse-ld=bfd"), ("braze", f"-B{braze_lddir}/")):
        exe = tmp_path / f"h-{tag}"
        p = subprocess.run([cc, ld, "-static", "h.c", "-o", str(exe)], cwd=tmp_path, capture_output=True,
                           text=True, env=tool_env(), timeout=600)
        assert p.returncode == 0, f"{tag}: {p.stderr}"
        r = subprocess.run([exe], env=run_env(tmp_path, {}), capture_output=True, text=True, timeout=RUN_TIMEOUT)
        res[tag] = (r.returncode, r.stdout, _view(exe, ("__TMC_END__",)))
    assert res["bfd"][:2] == (0, "1\n")
    assert res["braze"] == res["bfd"]
