"""Names in two of bfd's messages, against ld.bfd 2.40 (found by `gcc -fopenmp -static`: libgomp.a's
target.o has no STT_FILE symbol and calls dlopen).
- bfd's `%C` place of a message in a function of an object that has neither line information nor an
  STT_FILE symbol is `(SECTION+0xOFF)` alone, after the `FILE: in function `F':` line; braze wrote
  `FILE:(SECTION+0xOFF)` (.gnu.warning texts, --warn-unresolved-symbols).
- The executable-stack warnings name an archive member by its own name (`exs.o`, as bfd's
  bfd_get_filename), not `libexs.a(exs.o)`.
Compared: the link's stderr with the linker's own prefix masked, and that the link succeeds."""
from __future__ import annotations

import re

import pytest

from harness import BuildDir

NOFILE_DLOPEN = ".text\n.globl f\nf:\n call dlopen\n ret\n"
MAIN_CALLS_F = ('.section .note.GNU-stack,"",@progbits\n.text\n.globl main\nmain:\n call f\n'
                ' xor %eax,%eax\n ret\n')
EXEC_STACK = '.section .note.GNU-stack,"x",@progbits\n.text\n.globl f\nf:\n ret\n'
NO_NOTE = ".text\n.globl f\nf:\n ret\n"
OMP = ('#include <stdio.h>\nint main(void) { int n = 0;\n#pragma omp parallel reduction(+:n)\n n++;\n'
       ' printf("%d\\n", n > 0); return 0; }\n')

# name -> (gcc arguments after the objects' names are made)
CASES = {
    "nofile-dlopen-static": ["-static", "main.o", "nofile.o"],
    "nofile-dlopen-member": ["-static", "main.o", "-L.", "-lnofile"],
    "omp-static": ["-fopenmp", "-static", "omp.o"],
    "execstack-member": ["main.o", "-L.", "-lexs"],
    "no-note-member": ["main.o", "-L.", "-lnonote"],
}

_PREFIX = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze): ", re.M)


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("barenames"), braze_lddir)
    for name, text in (("nofile.s", NOFILE_DLOPEN), ("main.s", MAIN_CALLS_F), ("exs.s", EXEC_STACK),
                       ("nonote.s", NO_NOTE), ("omp.c", OMP)):
        (w.root / name).write_text(text)
    for stem in ("nofile", "main", "exs", "nonote"):
        w.run(["as", f"{stem}.s", "-o", f"{stem}.o"])
    for stem in ("nofile", "exs", "nonote"):
        w.run(["ar", "rc", f"lib{stem}.a", f"{stem}.o"])
    w.run(["gcc", "-O2", "-fopenmp", "-c", "omp.c"])
    return w


@pytest.mark.parametrize("case", sorted(CASES))
def test_messages_vs_bfd(work, case):
    res = {}
    for linker in ("bfd", "test"):
        p = work.run(["gcc", *work.ld(linker), *CASES[case], "-o", f"{case}-{linker}"], check=False)
        assert p.returncode == 0, p.stderr
        res[linker] = _PREFIX.sub("LD: ", p.stderr)
    assert "warning" in res["bfd"]
    assert res["test"] == res["bfd"]
