"""An executable's definition that a version script makes local (`local: *`) while a shared library
needs it, against ld.bfd.

bfd refuses the link ("OUTPUT: local symbol `exe_fn' in defv.o is referenced by DSO", then "final
link failed: bad value"), with --gc-sections or not; a weak library reference is no error (the
library sees 0).  braze linked it and the program failed at load ("undefined symbol: exe_fn").
bfd stops at the first such symbol in its hash-table order, so each case has one.  Compared: exit
status, the messages (program name aside), the program's run when linked."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

LIBS = {"strong": "int exe_fn(void);\nint lib_get(void) { return exe_fn() + 40; }\n",
        "weak": "extern int exe_fn(void) __attribute__((weak));\n"
                "int lib_get(void) { return exe_fn ? exe_fn() : 40; }\n"}
SCRIPTS = {"local-all": "{ local: *; };\n", "global-main": "{ global: main; local: *; };\n",
           "global-exe_fn": "{ global: exe_fn; local: *; };\n"}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("localdso")
    (d / "defv.c").write_text("int exe_fn(void) { return 2; }\n")
    (d / "mainv.c").write_text("int lib_get(void);\nint main(void) { return lib_get(); }\n")
    for name, text in LIBS.items():
        (d / f"{name}.c").write_text(text)
        subprocess.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", f"{name}.c", "-o", f"lib{name}.so"], cwd=d,
                       env=tool_env(), check=True)
    for name, text in SCRIPTS.items():
        (d / f"{name}.vs").write_text(text)
    subprocess.run(["gcc", "-c", "-O2", "-ffunction-sections", "defv.c", "mainv.c"], cwd=d, env=tool_env(), check=True)
    return d


def _link(root: Path, lddir: str, linker: str, lib: str, script: str, gc: bool):
    out = f"{linker}-{lib}-{script}-{gc}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    p = subprocess.run(["gcc", *ld, "mainv.o", "defv.o", "-L.", f"-l{lib}", f"-Wl,--version-script={script}.vs",
                        *(["-Wl,--gc-sections"] if gc else []), f"-Wl,-rpath,{root}", "-o", out], cwd=root,
                       env=tool_env(), capture_output=True, text=True)
    msgs = [re.sub(re.escape(out), "OUT", re.sub(r"^\S*?(ld\.bfd|braze): (error: )?", "", ln))
            for ln in p.stderr.splitlines() if "collect2" not in ln]
    ran = None
    if p.returncode == 0:
        r = subprocess.run([str(root / out)], env=run_env(root, {}), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, preexec_fn=_no_core)
        ran = r.returncode
    return p.returncode, msgs, ran


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize("lib", list(LIBS))
def test_local_referenced_by_dso(root, braze_lddir, lib, script, gc):
    bfd = _link(root, braze_lddir, "bfd", lib, script, gc)
    braze = _link(root, braze_lddir, "braze", lib, script, gc)
    assert braze == bfd
    assert (bfd[0] != 0) == (lib == "strong" and script != "global-exe_fn")
