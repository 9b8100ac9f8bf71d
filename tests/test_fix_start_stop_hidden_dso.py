"""__start_X/__stop_X in an executable that refers to them as hidden while a shared library it links
against exports its own, against ld.bfd (found with gdc: every D object refers to __start_minfo and
__stop_minfo as hidden, and a D shared library exports them; a D program linked against it).

bfd redefines the library's symbol in the executable (bfd_elf_define_start_stop) and keeps the
references' hidden visibility (only a default one becomes -z start-stop-visibility's protected), so
the symbol is LOCAL and not in .dynsym. braze gave it PROTECTED and exported it. With default-
visibility references both export it PROTECTED, and a library's hidden bounds stay in its .dynsym
(bfd's GLOBAL HIDDEN entries).

Compared: the program's output and the symbols' rows in .symtab/.dynsym of program and library."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

HIDDEN = '__attribute__((visibility("hidden"))) '

LIB = """{vis}extern const int __start_minfo[], __stop_minfo[];
__attribute__((section("minfo"), used)) static const int lm[2] = {{1, 2}};
int lib_count(void) {{ return __stop_minfo - __start_minfo; }}
"""

MAIN = """#include <stdio.h>
{vis}extern const int __start_minfo[], __stop_minfo[];
__attribute__((section("minfo"), used)) static const int mm[3] = {{1, 2, 3}};
int lib_count(void);
int main(void) {{ printf("%d %d\\n", (int)(__stop_minfo - __start_minfo), lib_count()); return 0; }}
"""


def _rows(path) -> list[str]:
    rows = []
    for opt in ("--syms", "--dyn-syms"):
        out = subprocess.run(["readelf", "-W", opt, str(path)], capture_output=True, text=True,
                             env=tool_env(), check=True).stdout
        rows += [opt + " " + " ".join(ln.split()[3:]) for ln in out.splitlines() if ln.endswith("_minfo")]
    return sorted(rows)


@pytest.mark.parametrize("pie", ["-pie", "-no-pie"])
@pytest.mark.parametrize("lib_vis,main_vis", [(HIDDEN, HIDDEN), ("", HIDDEN), (HIDDEN, ""), ("", "")],
                         ids=["hidden-hidden", "default-hidden", "hidden-default", "default-default"])
def test_start_stop_hidden_ref_with_dso_definition(tmp_path, braze_lddir, pie, lib_vis, main_vis):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB.format(vis=lib_vis))
    (tmp_path / "main.c").write_text(MAIN.format(vis=main_vis))
    b.run(["gcc", "-c", "-fPIC", "lib.c", "main.c"])
    got = []
    for linker in ("bfd", "test"):
        d = tmp_path / linker
        d.mkdir()
        b.run(["gcc", *b.ld(linker), "-shared", "lib.o", "-o", d / "libl.so"])
        b.run(["gcc", *b.ld(linker), pie, "main.o", f"-L{d}", "-ll", "-Wl,-rpath," + str(d), "-o", d / "m"])
        out = b.run([d / "m"]).stdout
        got.append((out, _rows(d / "m"), _rows(d / "libl.so")))
    assert got[0][0] == "3 2\n"
    assert got[1] == got[0]
