"""A pattern one version node makes global and an earlier node made local (or the reverse), against
ld.bfd 2.40. bfd (lang_register_vers_node) refuses it, "duplicate expression `P' in version
information", when both are the same literal name or the same wildcard text in the same language;
braze linked such scripts (found while comparing util-linux's version-scripted libraries).
Repeating a pattern within one node, or between two nodes' global lists, stays allowed, as does a
C name against the same name in an `extern "C++"` block.
Compared: whether each link succeeds, the error's text, and for accepted links the versioned
dynamic symbols."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = "int foo(void) { return 1; }\nint bar(void) { return 2; }\nint qux1(void) { return 3; }\n"

# name -> list of version script texts (each one --version-script)
SCRIPTS = {
    # refused by bfd
    "literal-global-then-local": ["V1 { global: foo; local: *; };\nV2 { local: foo; };\n"],
    "literal-local-then-global": ["V1 { local: foo; };\nV2 { global: foo; };\n"],
    "wildcard-global-then-local": ["V1 { global: f*; };\nV2 { local: f*; };\n"],
    "star-local-then-global": ["V1 { global: qux?; local: *; };\nV2 { global: *; };\n"],
    "cxx-quoted-both": ['V1 { global: extern "C++" { "f*"; }; };\nV2 { local: extern "C++" { "f*"; }; };\n'],
    "across-two-scripts": ["V1 { global: foo; bar; local: *; };\n", "V3 { local: bar; };\n"],
    # accepted by bfd
    "global-in-two-nodes": ["V1 { global: foo; bar; local: *; };\nV2 { global: foo; } V1;\n"],
    "same-node": ["V1 { global: foo; local: foo; };\n"],
    "literal-vs-wildcard": ["V1 { local: foo; };\nV2 { global: *; };\n"],
    "c-vs-cxx": ['V1 { global: extern "C++" { foo; }; };\nV2 { local: foo; };\n'],
}


def _versioned(path) -> list[str]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return sorted(r.split()[7] for r in out.splitlines() if len(r.split()) >= 8 and r.split()[6] != "UND"
                  and r.split()[3] != "SECTION" and r.split()[0].rstrip(":").isdigit())


def _dup_messages(stderr: str) -> list[str]:
    return re.findall(r"duplicate expression `[^']*' in version information", stderr)


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("verdup"), braze_lddir)
    (w.root / "lib.c").write_text(LIB)
    w.run(["gcc", "-O2", "-fPIC", "-c", "lib.c"])
    return w


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_version_duplicate_expression_vs_bfd(work, name):
    flags = []
    for i, text in enumerate(SCRIPTS[name]):
        (work.root / f"{name}-{i}.map").write_text(text)
        flags.append(f"-Wl,--version-script={name}-{i}.map")
    res = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{name}-{linker}.so"
        p = work.run(["gcc", *work.ld(linker), "-shared", "-o", out.name, "lib.o", *flags], check=False)
        if linker == "test" and p.returncode:
            assert "braze: error:" in p.stderr and "Traceback" not in p.stderr, p.stderr
            assert not out.exists()
        # bfd reports each duplicate; braze stops at the first
        res[linker] = (p.returncode != 0, _dup_messages(p.stderr)[:1],
                       _versioned(out) if p.returncode == 0 else None)
    assert res["test"] == res["bfd"]
