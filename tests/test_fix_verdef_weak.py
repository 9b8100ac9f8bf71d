"""VER_FLG_WEAK in .gnu.version_d, against ld.bfd: a version node that names no symbol pattern
(`V { };`, libdw's `ELFUTILS_0 { };`) and that no `.symver` puts a symbol in is written with the WEAK
flag by bfd; a node with a `global:` or `local:` pattern (even one matching nothing), one a `.symver`
name uses (also a hidden symbol's), and --default-symver's node are not. Found building elfutils:
libdw.so's ELFUTILS_0 had no flags with braze.

Each case links the same objects with gcc through ld.bfd and through braze; readelf -V (without
addresses) and the name@version view of .dynsym must be equal."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import link_in, tool_env
from test_versions import version_sections
from test_shared import dynsyms

SRC = {
    "plain.c": "int foo(void) { return 1; }\nint bar(void) { return 2; }\n",
    # foo@V0 (non-default) and foo@@V0 put a symbol into the empty node V0
    "symver.c": 'int foo_old(void) { return 1; }\n__asm__(".symver foo_old, foo@V0");\n'
                "int bar(void) { return 2; }\n",
    "symver_def.c": 'int foo_new(void) { return 1; }\n__asm__(".symver foo_new, foo@@V0");\n'
                    "int bar(void) { return 2; }\n",
    "symver_hidden.c": '__attribute__((visibility("hidden"))) int foo_old(void) { return 1; }\n'
                       '__asm__(".symver foo_old, foo@V0");\nint bar(void) { return 2; }\n',
    "symver_v2.c": 'int foo_old(void) { return 1; }\n__asm__(".symver foo_old, foo@V2");\n'
                   "int bar(void) { return 2; }\n",
    "main.c": "int main(void) { return 0; }\n",
}
MAPS = {
    "empty": "V0 { };\nV1 { global: bar; local: *; } V0;\n",
    "local-only": "V0 { local: *; };\nV1 { global: bar; } V0;\n",
    "unmatched-global": "V0 { global: nosuch; };\nV1 { global: bar; local: *; } V0;\n",
    "no-parent": "V0 { };\nV1 { global: bar; local: *; };\n",
    "two-empty": "V0 { };\nV2 { };\nV1 { global: bar; local: *; } V0;\n",
}
INLINE = "VERSION { V0 { }; V2 { }; V1 { global: bar; local: *; } V0; }\n"

CASES = [(f"{obj}-{m}", ["-shared", f"{obj}.o", f"-Wl,--version-script={m}.map"])
         for obj in ("plain", "symver", "symver_def", "symver_hidden") for m in MAPS]
CASES += [("symver_v2-two-empty", ["-shared", "symver_v2.o", "-Wl,--version-script=two-empty.map"])]
CASES += [
    ("inline-version", ["-shared", "plain.o", "inline.ld"]),
    ("default-symver", ["-shared", "plain.o", "-Wl,--default-symver", "-Wl,--version-script=two-empty.map"]),
    ("default-symver-alone", ["-shared", "plain.o", "-Wl,--default-symver"]),
    ("executable", ["main.o", "-Wl,--version-script=two-empty.map"]),
    ("executable-symver", ["main.o", "symver_v2.o", "-Wl,--version-script=two-empty.map"]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("verdef_weak")
    for name, text in SRC.items():
        (d / name).write_text(text)
        subprocess.run(["gcc", "-c", "-O2", "-fPIC", name], cwd=d, check=True, env=tool_env())
    for name, text in MAPS.items():
        (d / f"{name}.map").write_text(text)
    (d / "inline.ld").write_text(INLINE)
    return d


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_verdef_flags_match_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert version_sections(got) == version_sections(ref), (
        f"readelf -V differs:\n--- bfd\n{version_sections(ref)}\n--- braze\n{version_sections(got)}")
    assert dynsyms(got) == dynsyms(ref)


def test_weak_flag_is_exercised(srcdir):
    """The comparison above covers both flags: bfd marks the empty node WEAK in some cases, not in others."""
    weak = link_in(srcdir, None, "plain-empty", CASES[0][1])
    used = link_in(srcdir, None, "symver-empty", ["-shared", "symver.o", "-Wl,--version-script=empty.map"])
    assert "Flags: WEAK" in version_sections(weak)
    assert "Flags: WEAK" not in version_sections(used)
