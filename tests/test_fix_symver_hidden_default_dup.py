"""A hidden foo@V and a default foo@@V of the same version both defined, against ld.bfd (found by
the binutils 2.40 ld testsuite run with braze, ld-elfvers/vers.exp "vers5").

bfd's default version foo@@V also answers to foo@V, so a second definition named foo@V is a
multiple definition: bfd fails the link. braze linked, and a shared library's .dynsym then held two
definitions of foo in version V.

Compared: exit status, the error naming foo@V, no output; versions V1 and V2 still link."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = """
int old_foo(void) { return 1; }
int new_foo(void) { return 2; }
__asm__(".symver old_foo,foo@%s");
__asm__(".symver new_foo,foo@@V2");
int main(void) { return 0; }
"""


@pytest.mark.parametrize("shared", [False, True], ids=["exe", "shared"])
def test_hidden_and_default_same_version(tmp_path, braze_lddir, shared):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "v.map").write_text("V1 { global: foo; };\nV2 { global: foo; } V1;\n")
    for tag, ver in (("dup", "V2"), ("ok", "V1")):
        (tmp_path / f"{tag}.c").write_text(SRC % ver)
        b.run(["gcc", "-fPIC", "-c", f"{tag}.c"])
        got = []
        for linker in ("bfd", "test"):
            out = tmp_path / f"{tag}-{linker}"
            extra = ["-shared", "-Wl,--version-script=v.map"] if shared else []
            p = b.run(["gcc", *b.ld(linker), *extra, "-o", out, f"{tag}.o"], check=False)
            got.append((p.returncode != 0, "foo@V2'" in p.stderr or "foo@V2\n" in p.stderr, out.exists()))
        if tag == "dup":
            assert got[0] == (True, True, False)
        else:
            assert got[0] == (False, False, True)
        assert got[1] == got[0], tag
