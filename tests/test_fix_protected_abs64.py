"""R_X86_64_64 against a protected definition a -shared output exports, against ld.bfd.

bfd makes it a symbolic dynamic relocation (R_X86_64_64 naming the symbol), not RELATIVE, unless
-Bsymbolic, -Bsymbolic-functions or a dynamic list bind the symbol here as they would a default-
visibility one, or it is not exported; braze made RELATIVE ones.  Each case is linked by both and
compared: the relocations naming the protected symbols, the number of RELATIVE ones, DT_RELACOUNT, and a program using the library."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

LIB = ('__attribute__((visibility("protected"))) int pv = 3;\n'
       '__attribute__((visibility("protected"))) int pf(void) { return 4; }\n'
       'int *p1 = &pv; int (*p2)(void) = pf;\nint *const p3 = &pv + 1;\n'
       'int get(void) { return *p1 * 10 + p2() + (int)(p3 - p1); }\n')
MAIN = '#include <stdio.h>\nint get(void);\nint main(void) { printf("%d\\n", get()); return 0; }\n'
CASES = {
    "default": [],
    "Bsymbolic": ["-Wl,-Bsymbolic"],
    "Bsymbolic-functions": ["-Wl,-Bsymbolic-functions"],
    "version-script": ["-Wl,--version-script=vs"],
    "dynamic-list": ["-Wl,--dynamic-list=dl"],
    "dynamic-list-data": ["-Wl,--dynamic-list-data"],
    "znow": ["-Wl,-z,now"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("protabs")
    (d / "lib.c").write_text(LIB)
    (d / "main.c").write_text(MAIN)
    (d / "vs").write_text("{ global: pf; get; p1; p2; p3; local: *; };\n")
    (d / "dl").write_text("{ pv; };\n")
    for cmd in (["gcc", "-c", "-fPIC", "-O2", "lib.c", "-o", "lib.o"], ["gcc", "-c", "-O2", "main.c", "-o", "main.o"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _link(root: Path, lddir: str, linker: str, case: str):
    d = root / linker / case
    d.mkdir(parents=True)
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    subprocess.run(["gcc", *ld, "-shared", "lib.o", *CASES[case], "-o", str(d / "libp.so")], cwd=root,
                   env=tool_env(), check=True, capture_output=True)
    subprocess.run(["gcc", "-fuse-ld=bfd", "main.o", f"-L{d}", "-lp", f"-Wl,-rpath,{d}", "-o", str(d / "prog")],
                   cwd=root, env=tool_env(), check=True, capture_output=True)
    view = subprocess.run(["readelf", "-rdW", str(d / "libp.so")], capture_output=True, text=True,
                          check=True).stdout
    rows = sorted(re.findall(r"(R_X86_64_\w+)\s+[0-9a-f]+\s+(p[vf]) ", view))
    rows.append(("RELATIVE", view.count("R_X86_64_RELATIVE")))
    relacount = re.findall(r"\(RELACOUNT\)\s+(\d+)", view)
    r = subprocess.run([str(d / "prog")], env=run_env(d, {}), capture_output=True, text=True,
                       timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return rows, relacount, (r.returncode, r.stdout)


@pytest.mark.parametrize("case", list(CASES))
def test_protected_abs64(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    assert braze == bfd
    assert bfd[2] == (0, "35\n")
