"""A library function that needs both a GOT slot and a canonical PLT entry in an executable, against ld.bfd.

When an executable takes a library function's address where the address must be the same everywhere
(an absolute R_X86_64_32/64 in code, a PC-relative word in data) and also loads it from the GOT
(`-fno-plt` calls), bfd gives it a lazy .plt entry with a JUMP_SLOT relocation, never a .plt.got stub
(elfxx-x86's allocate_dynrelocs: not when pointer equality is needed). The stub jumps through the GOT
slot, whose GLOB_DAT the loader binds to the executable's own dynamic symbol, whose value is that
canonical entry: braze used the stub, and a call through the function's address jumped to itself
forever (found by tools/fuzz/run.py, seed 90181 of --feats-set 2).

Compared with bfd: the program's output and exit status (with a timeout), and the dynamic
relocations against the function (type and symbol)."""
from __future__ import annotations

import pytest

from harness import BuildDir

LIB = """int fn(void) { return 42; }
int (*lib_addr(void))(void) { return fn; }
"""
MAIN = """#include <stdio.h>
extern int fn(void);
extern int (*lib_addr(void))(void);
extern int (*get(void))(void);
int main(void) {
    printf("%d %d %d\\n", fn(), get()(), get() == lib_addr());
    return 0;
}
"""
GET_C = "extern int fn(void);\nint (*get(void))(void) { return fn; }\n"
# a PC-relative word in writable data: the canonical entry in a PIE too
GET_PC32 = """\t.data
\t.globl fn_off
fn_off:\t.long fn - .
\t.text
\t.globl get
get:\tleaq fn_off(%rip), %rax
\tmovslq (%rax), %rdx
\taddq %rdx, %rax
\tret
\t.section .note.GNU-stack,"",@progbits
"""
# case -> (how get.o is made, main.o's flags, link mode)
CASES = {
    "abs32": (["gcc", "-O2", "-fno-pic", "-c", "get.c", "-o"], ["-fno-pic"], "-no-pie"),
    "abs64-code": (["gcc", "-O2", "-fno-pic", "-mcmodel=large", "-c", "get.c", "-o"], ["-fno-pic"], "-no-pie"),
    "pc32-data": (["as", "get.s", "-o"], ["-fno-pic"], "-no-pie"),
    "pc32-data-pie": (["as", "get.s", "-o"], ["-fPIE"], "-pie"),
}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("cpltgot"), braze_lddir)
    (w.root / "lib.c").write_text(LIB)
    (w.root / "main.c").write_text(MAIN)
    (w.root / "get.c").write_text(GET_C)
    (w.root / "get.s").write_text(GET_PC32)
    w.run(["gcc", "-shared", "-fPIC", "-O2", "lib.c", "-o", "libl.so"])
    return w


def _fn_relocs(work, exe):
    out = work.run(["readelf", "-W", "-r", exe]).stdout
    return sorted(ln.split()[2] for ln in out.splitlines() if ln.split()[-3:-2] == ["fn"] or " fn + " in ln)


@pytest.mark.parametrize("case", CASES)
def test_canonical_plt_with_got_vs_bfd(work, case):
    get_cmd, main_flags, mode = CASES[case]
    work.run([*get_cmd, f"get-{case}.o"])
    work.run(["gcc", "-O2", *main_flags, "-fno-plt", "-c", "main.c", "-o", f"main-{case}.o"])
    res = {}
    for linker in ("bfd", "test"):
        exe = f"{case}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, f"main-{case}.o", f"get-{case}.o", "-L.", "-ll",
                  f"-Wl,-rpath,{work.root}", "-o", exe])
        p = work.run(["timeout", "10", f"./{exe}"], check=False)
        res[linker] = (p.returncode, p.stdout, _fn_relocs(work, exe))
    assert res["bfd"][0] == 0 and res["bfd"][1] == "42 42 1\n", res["bfd"]
    assert res["test"] == res["bfd"]
