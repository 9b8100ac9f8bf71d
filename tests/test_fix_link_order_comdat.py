"""A SHF_LINK_ORDER section linked to a discarded COMDAT copy, against ld.bfd.

gcc's -fpatchable-function-entry puts each object's __patchable_function_entries (SHF_LINK_ORDER,
outside any group) after a section it links to, which may be an inline function's COMDAT .text; where
that copy is discarded (another object's wins), bfd discards the linked section too, in final and
-r links, with or without --gc-sections.  braze kept it (a final link's entries for the other
functions twice as many; -r kept its bytes without its relocations).  Compared: the output sections'
names, sizes and flags, the contents of the LINK_ORDER ones in final links and the relocations
against them in -r links."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import tool_env

ASM = """  .section .text.g,"axG",@progbits,grp,comdat
  .globl g
g: ret
  .section .text.u{n},"ax",@progbits
u{n}: ret
  .section meta,"ao",@progbits,.text.g
  .byte {n}
  .section __patchable_function_entries,"awo",@progbits,.text.g
  .quad g
  .section __patchable_function_entries,"awo",@progbits,.text.u{n},unique,{n}
  .quad u{n}
  .section .text.f{n},"ax",@progbits
  .globl f{n}
f{n}: call g
  leaq __start___patchable_function_entries(%rip), %rax
  ret
  .section .note.GNU-stack,"",@progbits
"""
HDR = "inline int inl(int a) { return a * 3 + 1; }\n"
CXX = {"c1.cc": '#include "h.h"\nint f1(int a) { return inl(a); }\n',
       "c2.cc": '#include "h.h"\nint f1(int);\nint main() { return inl(1) + f1(2) - 11; }\n'}
ASM_OPTS = {"exe": ["-e", "f1"], "gc": ["-e", "f1", "--gc-sections"], "r": ["-r"], "r-gc": ["-r", "-e", "f1", "--gc-sections"]}
CXX_OPTS = {"exe": [], "gc": ["-Wl,--gc-sections"], "shared": ["-shared"], "shared-gc": ["-shared", "-Wl,--gc-sections"]}


def _view(path, reloc: bool):
    secs = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = re.findall(r"\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)", secs)
    rows = [r for r in rows if r[0] in ("meta", "__patchable_function_entries") or r[0].startswith(".text")]
    if reloc:
        rel = subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True, check=True).stdout
        extra = [ln.split()[2:] for part in rel.split("Relocation section")
                 if "patchable" in part.split("\n")[0] or "meta" in part.split("\n")[0]
                 for ln in part.splitlines()[2:] if ln.strip()]
    else:
        extra = [subprocess.run(["objdump", "-s", "-j", n, str(path)], capture_output=True, text=True).stdout
                 .split("Contents of section")[-1] for n in ("meta", "__patchable_function_entries")]
    return rows, extra


@pytest.mark.parametrize("opt", list(ASM_OPTS))
def test_link_order_comdat_asm(tmp_path, direct_ld, opt):
    for n in (1, 2):
        (tmp_path / f"h{n}.s").write_text(ASM.format(n=n))
        subprocess.run(["gcc", "-c", f"h{n}.s", "-o", f"h{n}.o"], cwd=tmp_path, check=True)
    args = [*ASM_OPTS[opt], "h1.o", "h2.o"]
    subprocess.run(["ld.bfd", *args, "-o", "b.out"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([*direct_ld, *args, "-o", "t.out"], cwd=tmp_path, check=True, capture_output=True)
    reloc = "-r" in args
    assert _view(tmp_path / "t.out", reloc) == _view(tmp_path / "b.out", reloc)


@pytest.mark.parametrize("opt", list(CXX_OPTS))
def test_link_order_comdat_patchable(tmp_path, braze_lddir, opt):
    (tmp_path / "h.h").write_text(HDR)
    for name, text in CXX.items():
        (tmp_path / name).write_text(text)
    subprocess.run(["g++", "-O0", "-fPIC", "-c", "-fpatchable-function-entry=2", *CXX], cwd=tmp_path,
                   env=tool_env(), check=True)
    views = []
    for ld, out in ((["-fuse-ld=bfd"], "b.out"), ([f"-B{braze_lddir}/"], "t.out")):
        subprocess.run(["g++", *ld, "c1.o", "c2.o", *CXX_OPTS[opt], "-o", out], cwd=tmp_path, env=tool_env(),
                       check=True, capture_output=True)
        views.append(_view(tmp_path / out, False)[0])
    assert views[1] == views[0]
