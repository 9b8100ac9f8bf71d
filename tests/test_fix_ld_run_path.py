"""LD_RUN_PATH, against ld.bfd 2.40: without -rpath, bfd writes the environment's LD_RUN_PATH as the
output's run path (DT_RUNPATH, DT_RPATH with --disable-new-dtags), also when it is set but empty, in
every dynamic output (PIE, non-PIE, -shared, -static-pie), native and cross (aarch64). braze wrote no
run path, so a program built by a build that sets LD_RUN_PATH (Perl's MakeMaker does) did not find
its library at run time.
Compared: the dynamic tags and the run path's value (readelf -d), and that the program runs the same
with no LD_LIBRARY_PATH."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = "int lf(void) { return 41; }\n"
MAIN = '#include <stdio.h>\nint lf(void);\nint main(void) { printf("%d\\n", lf() + 1); return 0; }\n'
UNSET = None

# (name, LD_RUN_PATH value or UNSET, extra link flags)
CASES = [
    ("two-dirs", "/opt/a:/opt/b", []),
    ("empty", "", []),
    ("unset", UNSET, []),
    ("rpath-wins", "/opt/a", ["-Wl,-rpath,/x"]),
    ("empty-rpath-wins", "/opt/a", ["-Wl,-rpath,"]),
    ("rpath-link", "/opt/a", ["-Wl,-rpath-link,/y"]),
    ("old-dtags", "/opt/a", ["-Wl,--disable-new-dtags"]),
    # bfd's -rpath joining with empty strings (no LD_RUN_PATH then)
    ("empty-then-dir", "/opt/a", ["-Wl,-rpath,,-rpath,/x"]),
    ("dir-then-empty-twice", UNSET, ["-Wl,-rpath,/x,-rpath,,-rpath,"]),
    ("dir-then-run", UNSET, ["-Wl,-rpath,/x:/y,-rpath,/y"]),
]
KINDS = {"pie": ["-pie"], "no-pie": ["-no-pie"], "shared": ["-shared"], "static-pie": ["-static-pie"]}


def _tags(path, readelf="readelf") -> list[str]:
    """Each dynamic tag in order, with the run path's value."""
    out = subprocess.run([readelf, "-W", "-d", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    return [tag + (" " + val.strip() if tag in ("RUNPATH", "RPATH") else "")
            for tag, val in re.findall(r"^\s*0x[0-9a-f]+\s+\((\w+)\)[ \t]*(.*)$", out, re.M)]


def _env(value) -> dict[str, str]:
    env = tool_env()
    env.pop("LD_RUN_PATH", None)
    if value is not None:
        env["LD_RUN_PATH"] = value
    return env


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("ldrunpath"), braze_lddir)
    (w.root / "lib.c").write_text(LIB)
    (w.root / "main.c").write_text(MAIN)
    w.run(["gcc", "-O2", "-fPIC", "-c", "lib.c", "main.c"])
    return w


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_run_path_tags_vs_bfd(work, case, kind):
    name, value, flags = case
    obj = "lib.o" if kind == "shared" else "main.o lib.o"
    res = {}
    for linker in ("bfd", "test"):
        out = f"{name}-{kind}-{linker}"
        work.run(["gcc", *work.ld(linker), *KINDS[kind], "-o", out, *obj.split(), *flags],
                 env=_env(value))
        res[linker] = _tags(work.root / out)
    if value is not None and not any("-rpath," in f for f in flags):
        assert any(t.startswith(("RUNPATH", "RPATH")) for t in res["bfd"]), res["bfd"]   # (bfd's rule holds)
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("dtags", ["--enable-new-dtags", "--disable-new-dtags"])
def test_program_finds_library_through_ld_run_path(work, dtags):
    """The behaviour that matters: a program linked with LD_RUN_PATH naming its library's directory
    runs without LD_LIBRARY_PATH."""
    libdir = work.root / f"libs{dtags}"
    libdir.mkdir(exist_ok=True)
    work.run(["gcc", "-shared", "-o", libdir / "librp.so", "lib.o"])
    outs = {}
    for linker in ("bfd", "test"):
        exe = work.root / f"prog{dtags}-{linker}"
        work.run(["gcc", *work.ld(linker), "-o", exe, "main.o", f"-L{libdir}", "-lrp", f"-Wl,{dtags}"],
                 env=_env(str(libdir)))
        p = work.run([exe], check=False, env=_env(UNSET))
        outs[linker] = (p.returncode, p.stdout)
    assert outs["bfd"] == (0, "42\n")
    assert outs["test"] == outs["bfd"]


def test_aarch64_cross_linker_writes_it(tmp_path, braze_lddir):
    """The cross bfd writes LD_RUN_PATH too (though it does not search it for needed libraries)."""
    gcc = "aarch64-linux-gnu-gcc"
    if not shutil.which(gcc):
        pytest.fail(f"{gcc} is missing (make deps installs it)")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN.replace("lf() + 1", "1"))
    b.run([gcc, "-O2", "-c", "main.c"])
    res = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"a-{linker}"
        b.run([gcc, *b.ld(linker), "-o", exe, "main.o"], env=_env("/opt/a64"))
        res[linker] = _tags(exe, "aarch64-linux-gnu-readelf")
    assert "RUNPATH Library runpath: [/opt/a64]" in res["bfd"], res["bfd"]
    assert res["test"] == res["bfd"]
