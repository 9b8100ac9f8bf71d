"""A version script and the symbols bfd's default script defines, against ld.bfd (found building
Debian's lua5.3, whose `lua5.3` is linked with -E and a version script `local: *;`).

With -E an executable exports `_edata`, `_end` and `__bss_start`; bfd runs them through the version
script as it runs the objects' symbols: `local: *` keeps them out of .dynsym (LOCAL in .symtab), a
global pattern gives them its version (`_end@@V1`). braze exported all three unversioned whatever
the script said. And a version script changes nothing in a static executable (bfd applies it only
to an output with dynamic sections): braze made the static program's globals LOCAL and wrote the
version node's symbol into .symtab.

Compared: .dynsym (name@version, binding), .symtab's (binding, visibility, name) multiset, and the
program's exit status."""
from __future__ import annotations

import collections
import subprocess

import pytest

from harness import BuildDir, tool_env

MAIN = "int foo(void) { return 1; }\nint bar(void) { return 2; }\nint main(void) { return foo() - 1; }\n"

SCRIPTS = {"local-all": "V1 { global: foo; local: *; };\n",
           "global-end": "V1 { global: foo; _end; local: *; };\n",
           "global-all": "V1 { global: *; };\n"}


def _syms(path, table) -> collections.Counter:
    out = subprocess.run(["readelf", "-sW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    part = out.partition(f"Symbol table '{table}'")[2].partition("Symbol table '")[0]
    rows = [l.split() for l in part.splitlines()[2:]]
    # (bind, visibility, name): the order and the section numbers are not compared (the order of
    # some symbols is bfd's hash table's)
    return collections.Counter((r[4], r[5], r[7]) for r in rows if len(r) >= 8)


@pytest.mark.parametrize("mode", ["-E", "-E -no-pie", "static", "static -E", "none"])
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_version_script_linker_syms(tmp_path, braze_lddir, mode, script):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "v.map").write_text(SCRIPTS[script])
    b.run(["gcc", "-O1", "-c", "m.c"])
    flags = {"-E": ["-Wl,-E"], "-E -no-pie": ["-no-pie", "-Wl,-E"], "static": ["-static"],
             "static -E": ["-static", "-Wl,-E"], "none": []}[mode]
    got = []
    for linker in ("bfd", "test"):
        out = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), *flags, "m.o", "-Wl,--version-script,v.map", "-o", out])
        got.append((_syms(out, ".dynsym"), _syms(out, ".symtab"), b.run([out], check=False).returncode))
    assert got[1] == got[0]
