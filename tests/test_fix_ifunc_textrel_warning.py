"""bfd's warning for a text-relocated output in which an IFUNC defined here has dynamic relocations
of its own, against ld.bfd.

"GNU indirect functions with DT_TEXTREL may result in a segfault at runtime; recompile with -fPIC"
(-fPIE for an executable) comes after the first text relocation's warning and before "creating
DT_TEXTREL", also under -z notext; an IFUNC reached only through its GOT slot or PLT entry does not
count, nor a text relocation in an output without such an IFUNC.  braze did not print it.  Compared:
the messages (program name aside) and exit status."""
from __future__ import annotations

import re
import subprocess

import pytest

IFUNC = ("  .text\n  .type impl, @function\nimpl: ret\n  .globl ifn\n{hidden}  .type ifn, @gnu_indirect_function\n"
         "ifn:\n  leaq impl(%rip), %rax\n  ret\n  .globl _start\n_start:\n{code}  ret\n")
CASES = {
    # the IFUNC's own pointer in read-only data
    "ifunc-ptr-rodata": IFUNC.format(hidden="", code="") + '  .section .rodata,"a"\n  .quad ifn\n',
    # its pointer in writable data, another symbol's text relocation
    "ifunc-ptr-data": IFUNC.format(hidden="", code="") + "  .data\n  .quad ifn\n"
                                                          '  .section .rodata,"a"\n  .quad _start\n',
    "hidden-ifunc-ptr-data": IFUNC.format(hidden="  .hidden ifn\n", code="") + "  .data\n  .quad ifn\n"
                                                                                '  .section .rodata,"a"\n  .quad _start\n',
    # only a PLT call / GOT load of the IFUNC: no warning
    "ifunc-plt": IFUNC.format(hidden="", code="  call ifn@PLT\n") + '  .section .rodata,"a"\n  .quad _start\n',
    "hidden-ifunc-got": IFUNC.format(hidden="  .hidden ifn\n", code="  movq ifn@GOTPCREL(%rip), %rax\n")
                        + '  .section .rodata,"a"\n  .quad _start\n',
}
OPTS = {"shared": ["-shared"], "shared-notext": ["-shared", "-z", "notext"], "pie": ["-pie"],
        "pie-notext": ["-pie", "-z", "notext"]}


def _msgs(stderr: str) -> list[str]:
    return [re.sub(r"^\S+?: ", "", ln) for ln in stderr.splitlines()]


@pytest.mark.parametrize("opt", list(OPTS))
@pytest.mark.parametrize("case", list(CASES))
def test_ifunc_textrel_warning(tmp_path, direct_ld, case, opt):
    (tmp_path / "i.s").write_text(CASES[case] + '  .section .note.GNU-stack,"",@progbits\n')
    subprocess.run(["gcc", "-c", "i.s", "-o", "i.o"], cwd=tmp_path, check=True)
    args = [*OPTS[opt], "-e", "0", "i.o"]
    pb = subprocess.run(["ld.bfd", *args, "-o", "b.out"], cwd=tmp_path, capture_output=True, text=True)
    pt = subprocess.run([*direct_ld, *args, "-o", "t.out"], cwd=tmp_path, capture_output=True, text=True)
    assert (pt.returncode, _msgs(pt.stderr)) == (pb.returncode, _msgs(pb.stderr))
    assert pb.returncode == 0
    assert ("GNU indirect functions" in pb.stderr) == ("ptr" in case)
