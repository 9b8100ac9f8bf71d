"""`SORT(*)(...)`: sections ordered by their files' names, against ld.bfd (found by tools/fuzz/run.py
--kind scripts: braze parsed the file sort and then ignored it in final links, so the bytes between a
script's symbols came in another order than bfd's — a silently different program).

bfd orders the sections such a description matches by the file's name as the link names it (an
archive member by its archive's path, then by its member name), within one file as its section
patterns sort them, else in input order; only a by-name sort applies to file names
(`SORT_BY_ALIGNMENT(*)` sorts nothing). Compared: the program's output (the bytes between each output
section's bounds) and the variables' symbol rows."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")

# file -> [(variable, section)]; the link names them b.o, a.o, then libz.a's m2.o and m1.o, then c.o
FILES = {
    "b": [("b1", ".fa"), ("b2", ".fb.2"), ("b3", ".fb.1"), ("b4", ".fc")],
    "a": [("a1", ".fa"), ("a2", ".fb.3"), ("a3", ".fb.0"), ("a4", ".fc")],
    "m2": [("m2", ".fa"), ("n2", ".fb.1"), ("o2", ".fc")],
    "m1": [("m1", ".fa"), ("n1", ".fb.2"), ("o1", ".fc")],
    "c": [("c1", ".fa"), ("c2", ".fb.9"), ("c3", ".fc")],
}

SCRIPT = """SECTIONS
{
  .fa : { fa_start = .; SORT(*)(.fa) fa_end = .; }
  .fb : { fb_start = .; SORT_BY_NAME(*)(SORT_BY_NAME(.fb.*)) fb_end = .; }
  .fc : { fc_start = .; SORT_NONE(*)(.fc) fc_end = .; }
}
INSERT AFTER .rodata;
"""

MAIN = r"""#include <stdio.h>
#define SHOW(n) { extern const char n##_start[], n##_end[]; printf(#n ":"); \
  for (const char *p = n##_start; p < n##_end; p++) if (*p) putchar(*p); putchar('\n'); }
int main(void) { SHOW(fa) SHOW(fb) SHOW(fc) return 0; }
"""


def _vars(rows) -> str:
    return "".join(f'__attribute__((section("{sec}"), used)) const char {n}[3] = "{n}";\n' for n, sec in rows)


@pytest.mark.parametrize("mode", ["-no-pie", "-pie"])
def test_sort_by_file_name(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    for name, rows in FILES.items():
        (tmp_path / f"{name}.c").write_text(_vars(rows))
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "ins.ld").write_text(SCRIPT)
    b.run(["gcc", "-O2", "-c", "main.c", *(f"{n}.c" for n in FILES)])
    b.run(["ar", "rc", "libz.a", "m2.o", "m1.o"])
    outs, syms = [], []
    for linker in LINKERS:
        exe = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "main.o", "b.o", "a.o", "-Wl,--whole-archive", "libz.a",
               "-Wl,--no-whole-archive", "c.o", "-Wl,-T,ins.ld", "-o", exe])
        outs.append(b.run([exe]).stdout)
        nm = subprocess.run(["nm", exe], capture_output=True, text=True, env=tool_env(), check=True).stdout
        names = {v for rows in FILES.values() for v, _ in rows}
        syms.append(sorted(l for l in nm.splitlines() if l.split()[-1] in names))
    assert outs[0].startswith("fa:a1b1c1"), outs[0]         # (bfd: by file name, not input order)
    assert outs[1] == outs[0]
    assert syms[1] == syms[0]


@pytest.mark.parametrize("kind", ["SORT_BY_ALIGNMENT", "SORT_BY_INIT_PRIORITY"])
def test_file_sort_kinds_bfd_has_not(tmp_path, braze_lddir, kind):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "k.ld").write_text(f"SECTIONS {{ .fa : {{ {kind}(*)(.fa) }} }}\nINSERT AFTER .rodata;\n")
    b.run(["gcc", "-c", "main.c"])
    for linker in LINKERS:
        p = b.run(["gcc", *b.ld(linker), "main.o", "-Wl,-T,k.ld", "-o", tmp_path / f"p-{linker}"], check=False)
        assert p.returncode == 1 and "syntax error" in p.stderr, (linker, p.stderr)


def test_file_sort_with_mixed_section_sorts_is_refused(tmp_path, braze_lddir):
    """A file sort together with section patterns sorted in different ways in one description: not
    laid out by braze (refused, not ignored)."""
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "a.c").write_text(_vars(FILES["a"]))
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "mix.ld").write_text("SECTIONS { .fb : { SORT(*)(SORT(.fb.*) .fa) } }\nINSERT AFTER .rodata;\n")
    b.run(["gcc", "-O2", "-c", "main.c", "a.c"])
    p = b.run(["gcc", *b.ld("test"), "main.o", "a.o", "-Wl,-T,mix.ld", "-o", tmp_path / "p"], check=False)
    assert p.returncode == 1 and "braze: error:" in p.stderr and "SORT of file names" in p.stderr
    assert "Traceback" not in p.stderr and not (tmp_path / "p").exists()
