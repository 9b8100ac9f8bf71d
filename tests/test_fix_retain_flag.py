"""SHF_GNU_RETAIN on output sections, against ld.bfd (found linking Rust: std's retained
.init_array.00099 sorts first into .init_array, whose flags in bfd's output then have the retain
bit, "WAo" in readelf; braze kept the bit on orphan sections only).

bfd: an output section has SHF_GNU_RETAIN when its first input section in placement order has it,
an empty one counting too (as.'s empty .text and .data come first); in a dynamic link the first
object also holds bfd's empty linker-made `.dynbss` (first in .bss) and `.data.rel.ro` (after that
object's own .data.rel.ro sections).  Each case is linked by both and the (name, flags) list of the
sections compared.  (-static-pie is left out: there bfd's output also has a .plt.got and a larger
.plt than braze's, a difference of its own.)"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import sh, tool_env

C_KEEP = r"""
static void f(void) {}
__attribute__((used, retain, section(".fini_array.00099"))) static void (*fa)(void) = f;
PREINIT
__attribute__((used, retain, section(".init_array"))) static void (*ia2)(void) = f;
__attribute__((used, retain, section(".data.rel.ro.zz"))) static void (*rr)(void) = f;
__attribute__((used, retain, section(".tdata.q"))) static __thread int tq = 1;
__attribute__((used, retain, section(".rodata.q"))) static const int rq = 1;
__attribute__((used, retain, section(".gcc_except_table.q"))) static const int gq = 1;
__attribute__((used, retain, section(".init_array.00099"))) static void (*ct)(void) = f;
__attribute__((used, retain, section("mysec"))) static int ms = 5;
int main(void) { return 0; }
"""
C_LOCAL = r"""
static void f(void) {}
__attribute__((used, retain, section(".data.rel.ro.local.q"))) static void (*rl)(void) = f;
__attribute__((used, retain, section(".bss.q"))) static int bq;
__attribute__((used, retain, section(".tbss.q"))) static __thread int tb;
int main(void) { return 0; }
"""
ASM = {
    "x.s": '.section .text.k,"axR",@progbits\n.globl k\nk: ret\n.section .data.k,"awR",@progbits\n.long 1\n',
    "y.s": '.section .text.p,"ax",@progbits\n.globl p\np: ret\n.section .data.p,"aw",@progbits\n.long 2\n',
    "o1.s": '.section mysec,"aw",@progbits\n.long 1\n',
    "o2.s": '.section mysec,"awR",@progbits\n.long 2\n',
}
BARE = ["-nostdlib", "-static", "-e", "k"]
CASES = {
    "pie": ["keep.o"],
    "no-pie": ["-no-pie", "keep.o"],
    "static": ["-static", "keep.o"],
    "norelro": ["-Wl,-z,norelro", "keep.o"],
    "shared": ["-shared", "keep-pic.o"],
    "local-ro-bss": ["local.o"],
    "local-ro-bss-static": ["-static", "local.o"],
    "own-data-rel-ro-first": ["-nostartfiles", "keep.o", "SCRT1"],
    "retained-first-bare": [*BARE, "x2.o", "y2.o"],
    "retained-second-bare": [*BARE, "y2.o", "x2.o"],
    "empty-text-first": [*BARE, "x.o", "y2.o"],
    "orphan-plain-first": [*BARE, "o1.o", "o2.o", "x2.o"],
    "orphan-retained-first": [*BARE, "o2.o", "o1.o", "x2.o"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("retain")
    (d / "keep.c").write_text(C_KEEP.replace(
        "PREINIT", '__attribute__((used, retain, section(".preinit_array"))) static void (*pa)(void) = f;'))
    (d / "keep-pic.c").write_text(C_KEEP.replace("PREINIT", ""))
    (d / "local.c").write_text(C_LOCAL)
    for name, text in ASM.items():
        (d / name).write_text(text)
    cmds = [["gcc", "-O2", "-c", "keep.c"], ["gcc", "-O2", "-fPIC", "-c", "keep-pic.c"],
            ["gcc", "-O2", "-c", "local.c"]]
    cmds += [["as", n, "-o", n[:-2] + ".o"] for n in ASM]
    cmds += [["objcopy", "-R", ".text", "-R", ".data", "-R", ".bss", f"{n}.o", f"{n}2.o"] for n in ("x", "y")]
    for cmd in cmds:
        p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stderr}"
    return d


def _sections(path: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    return [(m[1], m[2]) for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+"
                                              r"\s+[0-9a-f]+\s+(\S*?)\s+\d+\s+\d+\s+\d+$", out, re.M)]


@pytest.mark.parametrize("case", list(CASES))
def test_retain_flag(root, braze_lddir, case):
    scrt1 = subprocess.run(["gcc", "-print-file-name=Scrt1.o"], capture_output=True, text=True).stdout.strip()
    views = []
    for linker in ("bfd", "braze"):
        d = root / linker
        d.mkdir(exist_ok=True)
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        args = [scrt1 if a == "SCRT1" else str(root / a) if a.endswith(".o") else a for a in CASES[case]]
        cmd = ["gcc", *ld, *args, "-o", str(d / case)]
        p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stderr}"
        views.append(_sections(d / case))
    assert views[1] == views[0]
    if case == "pie":
        flags = dict(views[0])
        assert "o" in flags[".init_array"] and "o" not in flags[".data.rel.ro"], "bfd's rule as seen"
