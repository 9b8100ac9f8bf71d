"""The alignment of copy-relocated data, against ld.bfd.

bfd 2.40 aligns a copy as the library's section holding the symbol is aligned, halved while the
symbol's address does not honour it (not capped by the symbol's size: a 4-byte int at a 64-aligned
address of a 64-aligned section is copied to a 64-aligned place; library code may rely on an
alignment the compiler chose for its own data). braze capped it by the size before. Each case is a
library (assembly, so the section alignments and addresses are exact) and a non-PIE program reading
ONE of its symbols (bfd orders several copies by its hash table, which braze does not reproduce);
compared with bfd (--hash-style=sysv: braze's .gnu.hash
sizing differs): the copy's address and size, the .bss/.data.rel.ro alignment and layout
(`readelf -SW`), and the program's exit status."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = """\
.data
.p2align {p2}
.globl pad
pad: .zero 64
.globl v64
.type v64,@object
.size v64,4
v64: .long 1
.zero 4
.globl v8
.type v8,@object
.size v8,4
v8: .long 2
.section .data.x,"aw"
.balign {xal}
.globl vx
.type vx,@object
.size vx,2
vx: .short 3
.section .rodata
.p2align {p2}
.globl r64
.type r64,@object
.size r64,4
r64: .long 4
.long 0
.globl r4
.type r4,@object
.size r4,4
r4: .long 5
.section .note.GNU-stack,"",@progbits
"""

# (data section p2align, .data.x alignment)
LIBS = {"a": (2, 4), "b": (3, 8), "c": (5, 16), "d": (6, 32), "e": (4, 64)}
SYMS = {"v64": "int", "v8": "int", "vx": "short", "r64": "const int", "r4": "const int"}


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("copyalign"), braze_lddir)
    for name, (p2, xal) in LIBS.items():
        (b.root / f"l{name}.s").write_text(LIB.format(p2=p2, xal=xal))
        b.run(["gcc", "-shared", "-fuse-ld=bfd", f"l{name}.s", "-o", f"libl{name}.so"])
    for sym, ty in SYMS.items():
        (b.root / f"m_{sym}.c").write_text(f"extern {ty} {sym};\nchar c1 = 1;\n"
                                           f"int main(void) {{ return {sym} == 0; }}\n")
        b.run(["gcc", "-c", "-O1", "-fno-pie", f"m_{sym}.c"])
    return b


def _view(path):
    def readelf(*a):
        return subprocess.run(["readelf", *a, str(path)], capture_output=True, text=True, env=tool_env(),
                              check=True).stdout
    # (allocated sections: .strtab is not tail-merged by braze)
    secs = [" ".join(line.split()[1:]) for line in readelf("-SW").splitlines()
            if "] ." in line and "A" in line.split()[-4]]
    syms = sorted(" ".join(line.split()[1:]) for line in readelf("-sW").splitlines()
                  if line.split()[-1:] and line.split()[-1].split("@")[0] in SYMS)
    return secs, syms


@pytest.mark.parametrize("lib", sorted(LIBS))
@pytest.mark.parametrize("sym", sorted(SYMS))
def test_copy_alignment_vs_bfd(work, lib, sym):
    outs = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{linker}_{lib}_{sym}"
        work.run(["gcc", *work.ld(linker), "-no-pie", f"m_{sym}.o", "-L.", f"-ll{lib}", "-Wl,-rpath,.",
                  "-Wl,--hash-style=sysv", "-o", out])
        outs[linker] = out
    relocs = subprocess.run(["readelf", "-rW", str(outs["bfd"])], capture_output=True, text=True).stdout
    assert "R_X86_64_COPY" in relocs            # (the case is about the copy)
    assert _view(outs["test"]) == _view(outs["bfd"])
    codes = [subprocess.run([str(outs[k])], cwd=work.root).returncode for k in ("bfd", "test")]
    assert codes == [0, 0]
