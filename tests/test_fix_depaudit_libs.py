"""DT_DEPAUDIT from the shared libraries' DT_AUDIT, against ld.bfd.

bfd's DT_DEPAUDIT is -P/--depaudit's value followed by the audit libraries each shared library given
to the link names in its DT_AUDIT (split at ':', each name once; an --as-needed library's too, needed
or not; not a library read only for another's DT_NEEDED), in command-line order.  braze wrote only
-P's.  Compared: the DT_AUDIT/DT_DEPAUDIT tags of executables and a -shared output."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

CASES = {
    "libs": [],
    "shared": ["-shared"],
    "depaudit-first": ["-Wl,--depaudit=mine.so"],
    "P-and-audit": ["-Wl,-P,mine.so", "-Wl,--audit=x.so"],
    "as-needed-unneeded": ["-Wl,--as-needed", "-ln", "-Wl,--no-as-needed"],
    "duplicate-name": ["-lc2"],
    "indirect": ["-lj", "-Wl,-rpath-link,."],
    "copy-dt-needed": ["-Wl,--copy-dt-needed-entries", "-lj", "-Wl,-rpath-link,."],
    "depaudit-overlap": ["-Wl,--depaudit=audb2.so:x"],
    "P-twice": ["-Wl,-P,a", "-Wl,-P,a:b"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("depaudit")
    (d / "a.c").write_text("int f(void) { return 1; }\n")
    (d / "b.c").write_text("int g(void) { return 2; }\n")
    (d / "m.c").write_text("int f(void); int g(void); int main(void) { return f() + g(); }\n")
    for cmd in (["gcc", "-c", "-fPIC", "a.c", "b.c", "m.c"],
                ["ld.bfd", "-shared", "--audit=auda.so", "a.o", "-o", "liba.so"],
                ["ld.bfd", "-shared", "--audit=audb1.so", "--audit", "audb2.so", "--depaudit", "dep.so", "b.o",
                 "-o", "libb.so"],
                ["ld.bfd", "-shared", "--audit=auda.so", "a.o", "-o", "libc2.so"],
                ["ld.bfd", "-shared", "--audit=audn.so", "a.o", "-o", "libn.so"],
                ["ld.bfd", "-shared", "b.o", "-L.", "-ln", "-o", "libj.so"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _tags(root: Path, lddir: str, linker: str, args: list[str], first: bool):
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    base = ["m.o", "-L.", "-la", "-lb"]
    out = f"{linker}.out"
    subprocess.run(["gcc", *ld, *(args + base if first else base + args), "-o", out], cwd=root, env=tool_env(),
                   check=True, capture_output=True)
    dyn = subprocess.run(["readelf", "-d", out], cwd=root, capture_output=True, text=True, check=True).stdout
    return re.findall(r"\((DEPAUDIT|AUDIT)\)\s+.*?\[(.*)\]", dyn)


@pytest.mark.parametrize("first", [True, False], ids=["opts-first", "opts-last"])
@pytest.mark.parametrize("case", list(CASES))
def test_depaudit_libs(root, braze_lddir, case, first):
    bfd = _tags(root, braze_lddir, "bfd", CASES[case], first)
    braze = _tags(root, braze_lddir, "braze", CASES[case], first)
    assert braze == bfd
    assert any(t == "DEPAUDIT" and "audb1.so" in v for t, v in bfd)
