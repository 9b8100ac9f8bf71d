"""A libtool project built with braze as the linker builds its shared libraries, as with ld.bfd.
libtool's configure asks the linker for `--help` and builds shared libraries only when the text
matches `: supported targets:.* elf` (bfd's `ld: supported targets: elf64-x86-64 …` line); braze's
help had no such line, so every autotools/libtool project built with braze silently got static
libraries only (found building gawk from Debian's source with `braze run`: its extensions were
missing and 34 of its tests failed). libtool also reads `ld -v`: a version it takes for GNU ld older
than 2.11 (braze's " 0.1.0") gets no version script, so `-export-symbols-regex` exported everything.
Compared: libtool's own decisions (`libtool --config`), the files built, the program's run and the
library's exported names."""
from __future__ import annotations

import shutil

import pytest

from harness import BuildDir

CONFIGURE_AC = """AC_INIT([ltprobe], [1.0])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
LT_INIT
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
"""
MAKEFILE_AM = """lib_LTLIBRARIES = libgreet.la
libgreet_la_SOURCES = greet.c
libgreet_la_LDFLAGS = -export-symbols-regex '^greet'
bin_PROGRAMS = hello
hello_SOURCES = hello.c
hello_LDADD = libgreet.la
"""
GREET = ('#include <stdio.h>\nvoid greet(const char *w) { printf("hello, %s\\n", w); }\n'
         'int helper_not_exported(void) { return 1; }\n')
HELLO = 'void greet(const char *);\nint main(void) { greet("libtool"); return 0; }\n'


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    for tool in ("autoreconf", "libtoolize", "automake"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing (make deps installs autoconf, automake and libtool)")
    root = tmp_path_factory.mktemp("libtool") / "src"
    root.mkdir()
    for name, text in (("configure.ac", CONFIGURE_AC), ("Makefile.am", MAKEFILE_AM),
                       ("greet.c", GREET), ("hello.c", HELLO)):
        (root / name).write_text(text)
    BuildDir(root, "").run(["autoreconf", "-fi"])
    return root


def _build(project, braze_lddir, linker):
    tree = project.parent / linker
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(project, tree)
    b = BuildDir(tree, braze_lddir)
    cc = " ".join(["gcc", *b.ld(linker)])
    b.run(["./configure", "-q", f"CC={cc}"])
    b.run(["make", "-s"])
    config = b.run(["./libtool", "--config"]).stdout
    decided = sorted(ln for ln in config.splitlines()
                     if ln.startswith(("build_libtool_libs=", "build_old_libs=", "with_gnu_ld=")))
    built = sorted(p.name for p in (tree / ".libs").iterdir()
                   if p.name.startswith("libgreet.") and not p.name.endswith((".la", ".lai")))
    ran = b.run(["./hello"]).stdout
    so = sorted((tree / ".libs").glob("libgreet.so.*.*"))
    exported = sorted(ln.split()[-1] for ln in b.run(["nm", "-D", "--defined-only", so[0]]).stdout.splitlines()) \
        if so else []
    return decided, built, ran, exported


def test_shared_library_built_as_with_bfd(project, braze_lddir):
    bfd = _build(project, braze_lddir, "bfd")
    assert "build_libtool_libs=yes" in bfd[0] and any(".so" in n for n in bfd[1]), bfd   # (the premise)
    assert _build(project, braze_lddir, "test") == bfd
