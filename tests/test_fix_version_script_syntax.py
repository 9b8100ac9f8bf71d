"""The shape of a version node, against ld.bfd 2.40. bfd's grammar takes a node's body as empty, or
NAMES ';', or `global:` NAMES ';' optionally followed by `local:` NAMES ';', or `local:` NAMES ';', each
list non-empty and every name followed by exactly one ';'. braze took any sequence, so a script bfd
refuses (`global:` with no names before `local:`, found by the fuzzer; `local:` before `global:`, a
second `global:`, `;;`, a missing ';', an empty or comment-only file) linked with braze.
Compared: whether each script links (bfd's exit status against braze's; an error is `braze: error:`
with no traceback and no output left), and for the accepted ones the versioned dynamic symbols."""
from __future__ import annotations

import pytest

from elfrows import defined_dynsym_names
from harness import BuildDir

LIB = "int f(void) { return 1; }\nint g(void) { return 2; }\nint h(void) { return 3; }\n"

SCRIPTS = {
    "empty-global-then-local": "V1 {\n global:\n local: h;\n};\n",
    "empty-global": "V1 { global: ; };\n",
    "empty-local": "V1 { global: f; local: ; };\n",
    "local-then-global": "V1 { local: h; global: f; };\n",
    "two-globals": "V1 { global: f; global: g; };\n",
    "names-then-local": "V1 { f; local: *; };\n",
    "double-semicolon": "V1 { global: f;; };\n",
    "missing-semicolon": "V1 { global: f };\n",
    "lone-semicolon": "V1 { ; };\n",
    "empty-extern": 'V1 { global: extern "C" { }; };\n',
    "extern-no-semicolon": 'V1 { global: extern "C" { f; } local: *; };\n',
    # no node at all: bfd's grammar wants one (`v.map:0: syntax error in VERSION script`)
    "empty-file": "",
    "comment-only": "/* nothing */\n",
    "blank": "  \n\n",
    # accepted by bfd
    "plain": "V1 { global: f; local: *; };\nV2 { global: g; } V1;\n",
    "names-only": "V1 { f; g; };\n",
    "local-only": "V1 { local: h; };\n",
    "empty-node": "V1 { };\n",
    "anonymous": "{ global: f; g; local: *; };\n",
    "extern-last-name": 'V1 { global: extern "C" { f }; g; local: *; };\n',
    "space-before-semicolon": "V1 { global: f; } ;\n",
}




@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("verscript"), braze_lddir)
    (w.root / "lib.c").write_text(LIB)
    w.run(["gcc", "-O2", "-fPIC", "-c", "lib.c"])
    return w


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_version_script_shape_vs_bfd(work, name):
    (work.root / f"{name}.map").write_text(SCRIPTS[name])
    res = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{name}-{linker}.so"
        p = work.run(["gcc", *work.ld(linker), "-shared", "-o", out.name, "lib.o",
                      f"-Wl,--version-script={name}.map"], check=False)
        if linker == "test" and p.returncode:
            assert "braze: error:" in p.stderr and "Traceback" not in p.stderr, p.stderr
            assert not out.exists()
        res[linker] = (p.returncode != 0, defined_dynsym_names(out) if p.returncode == 0 else None)
    assert res["test"] == res["bfd"]
