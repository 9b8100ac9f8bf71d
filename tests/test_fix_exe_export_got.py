"""A position-dependent executable's GOT slot of a symbol it defines and exports, against ld.bfd.

bfd (elf_x86_64_finish_dynamic_symbol) fills a GOT slot with a RELATIVE relocation only in PIC
output; in a non-PIE executable a slot of a dynamic symbol -- exported by -E, or because a library
on the link line refers to it -- gets a GLOB_DAT relocation naming it (WILL_CALL_FINISH_DYNAMIC_SYMBOL),
as aarch64's bfd does. braze wrote only the link-time value. A slot stays when no relaxation removes
it: gcc's `movq foo@GOTPCREL(%rip), %xmm0` (PostgreSQL's relnode.o stores `bitmap_hash` so; found
linking its server with -no-pie: 29 GLOB_DATs missing) or a plain GOTPCREL `add`.

Each case links the same objects through ld.bfd and through braze: the dynamic relocations (type,
symbol, addend; sorted, GOT slot order being free) must be equal and the programs print alike."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from elfrows import dyn_relocs
from harness import link_in, run_env, tool_env

MAIN = r"""
#include <stdio.h>
int foo(void) { return 42; }
long data_v = 7;
extern int (*getp(void))(void);
extern long getd(void);
int main(void) { printf("%d %ld\n", getp()(), getd()); return 0; }
"""
# unrelaxable GOT loads: an SSE load, and a plain GOTPCREL add (assembled without relax relocations)
GOT = """.text
.globl getp
.type getp,@function
getp: movq foo@GOTPCREL(%rip), %xmm0
 movq %xmm0, %rax
 ret
.globl getd
.type getd,@function
getd: xor %eax, %eax
 add data_v@GOTPCREL(%rip), %rax
 mov (%rax), %rax
 ret
.section .note.GNU-stack,"",@progbits
"""
REF = "extern int foo(void);\nextern long data_v;\nint ref(void) { return foo() + (int)data_v; }\n"
CASES = [
    ("no-pie-E", ["-no-pie", "-rdynamic", "main.o", "got.o"]),
    ("no-pie-dso-ref", ["-no-pie", "main.o", "got.o", "-Wl,--no-as-needed", "-L.", "-lref"]),
    ("no-pie", ["-no-pie", "main.o", "got.o"]),                       # not exported: no relocation
    ("pie-E", ["-rdynamic", "main.o", "got.o"]),                      # PIC output: RELATIVE
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("exe_export_got")
    (d / "main.c").write_text(MAIN)
    (d / "got.s").write_text(GOT)
    (d / "ref.c").write_text(REF)
    for cmd in (["gcc", "-c", "-O2", "main.c"], ["as", "-mrelax-relocations=no", "got.s", "-o", "got.o"],
                ["gcc", "-shared", "-fPIC", "-O2", "ref.c", "-o", "libref.so"]):
        subprocess.run(cmd, cwd=d, check=True, env=tool_env())
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_exported_got_slot_relocs_match_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert sorted(dyn_relocs(got, srcdir)) == sorted(dyn_relocs(ref, srcdir))
    env = run_env(srcdir, {"LD_LIBRARY_PATH": str(srcdir)})
    outs = [subprocess.run([str(p)], cwd=srcdir, env=env, capture_output=True, text=True).stdout for p in (ref, got)]
    assert outs[1] == outs[0] == "42 7\n"
