"""--no-relax and an undefined weak symbol's GOT load in non-PIC output, against ld.bfd 2.40.

bfd turns `mov wk@GOTPCREL(%rip)`, `test`/binop forms (GOTPCRELX) and a plain GOTPCREL mov into the
value 0 (`mov $0x0`, `test $0x0`, `lea -X(%rip)`) even with --no-relax, keeping only call/jmp
through the GOT (a static glibc link: crti's __gmon_start__ load); braze kept every GOT load, so its
.got held two more slots than bfd's.  PIE, -shared and a dynamic non-PIE executable convert nothing
under --no-relax, in both.  Compared: the instructions (RIP displacements masked: the GOT slot order
differs) and the size of .got."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import tool_env

ASM = """
 .text
 .globl _start
 .weak wk
_start:
 movq wk@GOTPCREL(%rip), %rax
 movq dfn@GOTPCREL(%rip), %rax
 movq _end@GOTPCREL(%rip), %rax
 movq absy@GOTPCREL(%rip), %rax
 testq %rax, wk@GOTPCREL(%rip)
 addq wk@GOTPCREL(%rip), %rax
 movl wk@GOTPCREL(%rip), %eax
 call *wk@GOTPCREL(%rip)
 jmp *wk@GOTPCREL(%rip)
dfn: ret
 .globl absy
 .set absy, 0x1234
 .section .note.GNU-stack,"",@progbits
"""

MODES = {"static": ["-static"], "pie": ["-pie"], "shared": ["-shared"],
         "dyn": ["-no-pie", "-dynamic-linker", "/lib64/ld-linux-x86-64.so.2", "-L/usr/lib/x86_64-linux-gnu", "-lc"]}


def _insns(path) -> list[str]:
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    body = [ln for ln in out[out.index("<_start>:"):].splitlines()[1:] if ":\t" in ln][:10]
    return [re.sub(r"-?0x[0-9a-f]+\(%rip\)", "X(%rip)", ln.split("\t", 1)[1].split("#")[0].strip()) for ln in body]


def _got_size(path) -> int | None:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, env=tool_env(), check=True).stdout
    m = re.search(r"\] \.got\s+PROGBITS\s+\S+\s+\S+\s+([0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


@pytest.mark.parametrize("relaxrel", ["yes", "no"])
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("relax", [True, False], ids=["relax", "no-relax"])
def test_undefweak_got_load(tmp_path, direct_ld, mode, relaxrel, relax):
    (tmp_path / "a.s").write_text(ASM)
    subprocess.run(["as", f"-mrelax-relocations={relaxrel}", "a.s", "-o", "a.o"], cwd=tmp_path, check=True)
    args = ([] if relax else ["--no-relax"]) + MODES[mode] + ["a.o"]
    b = subprocess.run(["ld.bfd", *args, "-o", "b.out"], cwd=tmp_path, capture_output=True, text=True)
    t = subprocess.run([*direct_ld, *args, "-o", "t.out"], cwd=tmp_path, capture_output=True, text=True)
    if b.returncode:
        # (PIC output, GOTPCREL mov of an absolute symbol: bfd's lea would be a PC32 it refuses)
        assert "disallowed" in b.stderr and t.returncode == 1 and "disallowed" in t.stderr, t.stderr
        return
    assert t.returncode == 0, t.stderr
    assert _insns(tmp_path / "t.out") == _insns(tmp_path / "b.out")
    assert _got_size(tmp_path / "t.out") == _got_size(tmp_path / "b.out")


def test_static_glibc_no_relax(tmp_path, braze_lddir):
    """gcc -static -Wl,--no-relax: the same .got as bfd's, and the program runs."""
    (tmp_path / "h.c").write_text('#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    for name, extra in (("b", []), ("t", [f"-B{braze_lddir}"])):
        subprocess.run(["gcc", *extra, "-static", "-Wl,--no-relax", "h.c", "-o", name], cwd=tmp_path, check=True,
                       env=tool_env())
    assert _got_size(tmp_path / "t") == _got_size(tmp_path / "b")
    runs = [subprocess.run([str(tmp_path / n)], capture_output=True, text=True).stdout for n in "bt"]
    assert runs[0] == runs[1] == "hi\n"
