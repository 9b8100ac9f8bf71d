"""--export-dynamic-symbol-list FILE looked up in the -L directories, against ld.bfd (found by the
binutils 2.40 ld testsuite run with braze, ld-elf/shared.exp).

bfd opens the list as it opens a -T script or a --dynamic-list (ldfile_open_command_file): the name
as given, else the first -L directory given before the option that holds it. braze looked only at
the name as given and refused the link ("cannot open linker script file") where bfd links.

Compared: the link succeeds with both, and the same symbols are exported (.dynsym names)."""
from __future__ import annotations

import subprocess

from harness import BuildDir, tool_env

LIB = """
int keep_me(void) { return 1; }
int also_global(void) { return 2; }
"""


def _dynsyms(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return sorted(l.split()[7] for l in out.splitlines()
                  if len(l.split()) > 7 and l.split()[0].endswith(":") and l.split()[6] != "UND")


def test_export_list_found_in_L_dir(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "lib.c").write_text(LIB)
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "exp.list").write_text("{ keep_me; };\n")
    b.run(["gcc", "-fPIC", "-c", "lib.c"])
    got = []
    for linker in ("bfd", "test"):
        out = tmp_path / f"lib-{linker}.so"
        # (-Bsymbolic: the list then decides what stays preemptible; the file name is relative)
        p = b.run(["gcc", *b.ld(linker), "-shared", "-Llists", "-Wl,-Bsymbolic",
                   "-Wl,--export-dynamic-symbol-list=exp.list", "lib.o", "-o", out], check=False)
        assert p.returncode == 0, f"{linker}: {p.stderr}"
        got.append(_dynsyms(out))
    assert "keep_me" in got[0]
    assert got[1] == got[0]

