"""A shared library in a static link is refused as bfd does: `attempted static link of dynamic object
`NAME''. braze read it and wrote a dynamic program whose interpreter was bfd's default
/lib/ld64.so.1 (gcc -static passes no -dynamic-linker), which cannot start.

bfd's two rules (checked here against ld.bfd of both machines):
- any machine: a library named where -Bstatic/-static is in force (a path, -l:NAME, a script's
  GROUP read there) is a fatal error as it is opened, even in a dynamic link (`m.o -Bstatic libx.so`);
- x86-64 only: -static (-Bstatic, -dn, -non_shared) before every input file makes the link static:
  every library read, even after -Bdynamic, is an error (all listed), unless the output is -shared or
  --dynamic-linker/--no-dynamic-linker is given (gcc -static-pie passes the latter).
Compared: the exit status, the refused names in order, and for links that succeed the interpreter
and DT_NEEDED entries."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

A64 = "aarch64-linux-gnu-"
X = "int x(void) { return 42; }\n"
M = "int x(void); int main(void) { return x() - 42; }\n"

CASES = {
    "static-path": ["-static", "m.o", "libx.so"],
    "static-bdynamic": ["-static", "m.o", "-Bdynamic", "libx.so", "liby.so"],
    "static-bdynamic-bstatic": ["-static", "m.o", "-Bdynamic", "libx.so", "-Bstatic", "liby.so"],
    "bstatic-first-bdynamic": ["-Bstatic", "-Bdynamic", "m.o", "libx.so"],
    "dn-lib": ["-dn", "-Bdynamic", "m.o", "-L.", "-lx"],
    "bstatic-middle": ["m.o", "-Bstatic", "libx.so"],
    "bstatic-middle-bdynamic": ["m.o", "-Bstatic", "-Bdynamic", "libx.so"],
    "static-dynamic-linker": ["-static", "m.o", "-Bdynamic", "libx.so", "--dynamic-linker", "/lib/ld.so"],
    "static-no-dynamic-linker": ["-static", "m.o", "-Bdynamic", "libx.so", "--no-dynamic-linker"],
    "static-lcolon": ["-static", "m.o", "-L.", "-l:libx.so"],
    "static-script": ["-static", "m.o", "libs.ld"],
    "static-shared": ["-shared", "-static", "xp.o", "-Bdynamic", "libx.so"],
    "static-pie-flag": ["-pie", "-static", "m.o", "-Bdynamic", "libx.so"],
    "static-as-needed": ["-static", "m.o", "-Bdynamic", "libx.so", "--as-needed", "liby.so"],
    "push-pop": ["m.o", "--push-state", "-Bstatic", "--pop-state", "libx.so"],
    "dynamic": ["m.o", "libx.so"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("staticdso")
    (d / "x.c").write_text(X)
    (d / "m.c").write_text(M)
    for pre in ("", A64):
        if not shutil.which(pre + "gcc"):
            continue
        sub = d / (pre or "x86")
        sub.mkdir()
        env = tool_env()
        for cmd in (["-c", "../m.c", "-o", "m.o"], ["-c", "-fPIC", "../x.c", "-o", "xp.o"],
                    ["-fuse-ld=bfd", "-shared", "xp.o", "-o", "libx.so"]):
            subprocess.run([pre + "gcc", *cmd], cwd=sub, check=True, env=env)
        shutil.copy(sub / "libx.so", sub / "liby.so")
        (sub / "libs.ld").write_text("GROUP ( libx.so )\n")
    return d


def _refused(err: str) -> list[str]:
    return re.findall(r"attempted static link of dynamic object `([^']*)'", err)


def _view(path: Path, pre: str) -> list[str]:
    env = tool_env()
    lines = subprocess.run([pre + "readelf", "-lW", str(path)], capture_output=True, text=True, env=env).stdout
    dyn = subprocess.run([pre + "readelf", "-dW", str(path)], capture_output=True, text=True, env=env).stdout
    return [ln.strip() for ln in lines.splitlines() if "program interpreter" in ln] + \
        [ln.split(None, 2)[2] for ln in dyn.splitlines() if "(NEEDED)" in ln]


def _compare(root: Path, pre: str, args: list[str], direct_ld, tmp_path: Path) -> None:
    sub = root / (pre or "x86")
    if not sub.exists():
        pytest.skip(f"no {pre}gcc")
    res = {}
    for name, ld in (("bfd", [pre + "ld.bfd"]), ("braze", direct_ld)):
        out = tmp_path / f"out-{name}"
        extra = [] if "-shared" in args else ["-e", "main"]
        p = subprocess.run([*ld, *extra, *args, "-o", str(out)], cwd=sub, capture_output=True, text=True,
                           env=tool_env())
        res[name] = (p.returncode, p.stderr, out)
    (rb, eb, ob), (rt, et, ot) = res["bfd"], res["braze"]
    assert "Traceback" not in et, et
    assert (rb != 0) == (rt != 0), f"bfd exit {rb}: {eb}\nbraze exit {rt}: {et}"
    assert _refused(et) == _refused(eb), f"bfd: {eb}\nbraze: {et}"
    if rb:
        assert rt == 1 and "braze: error: attempted static link" in et, et
        assert not ot.exists()
    else:
        assert _view(ot, pre) == _view(ob, pre)


@pytest.mark.parametrize("case", sorted(CASES))
def test_x86(root, direct_ld, tmp_path, case):
    _compare(root, "", CASES[case], direct_ld, tmp_path)


@pytest.mark.parametrize("case", ["static-path", "static-bdynamic", "bstatic-middle", "static-lcolon",
                                  "static-script", "bstatic-first-bdynamic", "push-pop"])
def test_aarch64(root, direct_ld, tmp_path, case):
    """aarch64 bfd has the -Bstatic rule alone: `-static m.o -Bdynamic libx.so` links dynamically."""
    _compare(root, A64, CASES[case], direct_ld, tmp_path)


@pytest.mark.parametrize("flag", ["-static", "-static-pie"])
def test_gcc_driver(root, braze_lddir, tmp_path, flag):
    """The link gcc makes: `gcc -static main.o libx.so` (and -static-pie, whose -static is before the
    inputs too but which passes --no-dynamic-linker: refused by the -Bstatic rule)."""
    sub = root / "x86"
    errs = {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"g-{name}"
        p = subprocess.run(["gcc", *sel, flag, "m.o", "libx.so", "-o", str(out)], cwd=sub,
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode != 0 and not out.exists(), (name, p.stderr)
        errs[name] = _refused(p.stderr)
    assert errs["braze"] == errs["bfd"] == ["libx.so"]
