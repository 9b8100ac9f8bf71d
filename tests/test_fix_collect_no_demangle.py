"""COLLECT_NO_DEMANGLE, against ld.bfd 2.40: bfd (like gcc's collect2) demangles the names in its
messages unless the environment has COLLECT_NO_DEMANGLE; --demangle/--no-demangle then decide.
braze demangled whatever the environment said.
Compared: whether the undefined C++ symbol's message names it mangled or demangled (the messages'
wording differs between the linkers; the spelling of the name is what is compared)."""
from __future__ import annotations

import pytest

from harness import BuildDir, tool_env

SRC = "int foo(int);\nint main() { return foo(1); }\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("nodemangle"), braze_lddir)
    (w.root / "u.cc").write_text(SRC)
    w.run(["g++", "-c", "u.cc"])
    return w


def _spelling(stderr: str) -> tuple[bool, bool]:
    return "_Z3fooi" in stderr, "foo(int)" in stderr


@pytest.mark.parametrize("opt", [[], ["-Wl,--demangle"], ["-Wl,--no-demangle"]], ids=["default", "demangle", "no-demangle"])
@pytest.mark.parametrize("env", [None, "1", ""], ids=["unset", "set", "set-empty"])
def test_name_spelling_vs_bfd(work, env, opt):
    e = tool_env()
    e.pop("COLLECT_NO_DEMANGLE", None)
    if env is not None:
        e["COLLECT_NO_DEMANGLE"] = env
    res = {}
    for linker in ("bfd", "test"):
        p = work.run(["g++", *work.ld(linker), "-o", f"u-{linker}", "u.o", *opt], check=False, env=e)
        assert p.returncode == 1
        res[linker] = _spelling(p.stderr)
    assert res["bfd"] in ((True, False), (False, True)), res      # (one spelling, as the test assumes)
    assert res["test"] == res["bfd"]
