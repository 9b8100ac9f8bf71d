"""Section header order when an assignment ahead of the notes names a later section by ADDR() or
LOADADDR(), against ld.bfd: bfd makes that output section there (exp_init_os), so it comes early in
its section list, and an orphan note (crt1.o's .note.gnu.property, .note.ABI-tag) goes among the
list's notes (lang_insert_orphan: after the last one aligned as much, else before the first), i.e.
after that early section. braze kept the notes where the statements have them, ahead of it
(differential fuzzer, x86-64 scripts seed 97844: `fz_s2 = LOADADDR(.init_array);` after .interp in
bfd's default script, static).

Compared: the section headers (name, address, size) in order, and the programs' output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = r"""
#include <stdio.h>
extern const char fz_s2[];
static int ctor_ran;
__attribute__((constructor)) static void c(void) { ctor_ran = 1; }
int main(void) { printf("%d %d\n", ctor_ran, fz_s2 != 0); return 0; }
"""

MODES = {"static": (["-static"], []), "pie": (["-pie"], ["-pie"]), "nopie": (["-no-pie"], [])}


def _headers(b, path):
    out = b.run(["readelf", "-SW", path]).stdout
    # (the symbol and string tables' sizes left out: the order of all is compared)
    return [(n, a, "" if n in (".symtab", ".strtab", ".shstrtab") else sz)
            for n, a, sz in re.findall(r"\]\s+(\S+)\s+\w+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)]


@pytest.mark.parametrize("expr", ["LOADADDR(.init_array)", "ADDR(.fini_array)"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_script_early_addr_note_order(tmp_path, braze_lddir, mode, expr):
    ldflags, verbose = MODES[mode]
    b = BuildDir(tmp_path, braze_lddir)
    text = subprocess.run(["ld.bfd", "--verbose", *verbose], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout.split("=" * 50 + "\n")[1]
    text, n = re.subn(r"(\n\s*\.interp\s*:[^\n]*\n)", r"\1  fz_s2 = %s;\n" % expr, text, count=1)
    assert n == 1
    (tmp_path / "script.ld").write_text(text)
    (tmp_path / "main.c").write_text(SRC)
    b.run(["gcc", "-O2", "-fPIE" if mode == "pie" else "-fno-pie", "-c", "main.c"])
    res = {}
    for linker in ("bfd", "test"):
        out = f"prog.{linker}"
        b.run(["gcc", *b.ld(linker), *ldflags, "-o", out, "main.o", "-Wl,-T,script.ld"])
        run = b.run([str(tmp_path / out)])
        res[linker] = _headers(b, tmp_path / out), run.stdout
    assert res["test"] == res["bfd"]
