"""`-u NAME` (and `--undefined=`, `--require-defined=`, a script's EXTERN, a command-line `-e NAME`)
with an `--as-needed` shared library that defines NAME, against ld.bfd.

bfd makes an --as-needed library needed only for an object's non-weak reference: a name that only
the command line references does not count (its undefined symbol has no regular reference), so the
library is left out, the name stays undefined (in .symtab, not .dynsym) and --require-defined
fails; a weak reference from an object does not count either, and the reference, now strong, is an
undefined-symbol error.  braze kept the library (DT_NEEDED, foo imported).  A command-line `-e NAME`
is such a reference too (it loads an archive member defining NAME; unresolved it stays in
.symtab); a script's ENTRY() is not.
Each case is linked by both and compared: exit status and the kind of error, foo's entries in
.dynsym and .symtab, the DT_NEEDED list, and the program's run."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

AN = ["-Wl,--as-needed", "-L{root}", "-lso"]
CASES = {
    "u": ["noref.o", "-Wl,-u,foo", *AN],
    "u-after": ["noref.o", *AN, "-Wl,-u,foo"],
    "undefined-eq": ["noref.o", "-Wl,--undefined=foo", *AN],
    "u-gc": ["noref.o", "-Wl,-u,foo", "-Wl,--gc-sections", *AN],
    "u-two": ["noref.o", "-Wl,-u,foo,-u,bar", *AN],
    "u-shared": ["-shared", "noref.o", "-Wl,-u,foo", *AN],
    "u-and-ref": ["ref.o", "-Wl,-u,foo", *AN],
    "u-and-weak-ref": ["wref.o", "-Wl,-u,foo", *AN],
    "weak-ref": ["wref.o", *AN],
    "require-defined": ["noref.o", "-Wl,--require-defined=foo", *AN],
    "require-defined-ref": ["ref.o", "-Wl,--require-defined=foo", *AN],
    "extern": ["noref.o", "{root}/extern.lds", *AN],
    "entry": ["noref.o", "-Wl,-e,foo", *AN],
    "no-as-needed": ["noref.o", "-Wl,-u,foo", "-Wl,--no-as-needed", "-L{root}", "-lso"],
    "entry-archive": ["-nostartfiles", "noref.o", "-Wl,-e,foo", "-L{root}", "-lfa"],
    "entry-archive-shared": ["-shared", "noref.o", "-Wl,-e,foo", "-L{root}", "-lfa"],
    "script-entry-archive": ["noref.o", "{root}/entry.lds", "-L{root}", "-lfa"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("uasneeded")
    (d / "so.c").write_text("int foo(int a) { return a * 3; }\nint bar = 7;\n")
    (d / "fa.c").write_text("int foo(int a) { return a * 5; }\n")
    (d / "noref.c").write_text("int main(void) { return 0; }\n")
    (d / "ref.c").write_text("extern int foo(int);\nint main(void) { return foo(1) - 3; }\n")
    (d / "wref.c").write_text("extern int foo(int) __attribute__((weak));\n"
                              "int main(void) { return foo ? 1 : 0; }\n")
    (d / "extern.lds").write_text("EXTERN(foo)\n")
    (d / "entry.lds").write_text("ENTRY(foo)\n")
    for cmd in (["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "so.c", "-o", "libso.so"],
                ["gcc", "-c", "-O2", "-fPIC", "noref.c", "ref.c", "wref.c", "fa.c"],
                ["ar", "rcs", "libfa.a", "fa.o"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _syms(view: str, table: str) -> list[str]:
    part = view.split(f"Symbol table '{table}'")
    if len(part) < 2:
        return []
    part = part[1].split("Symbol table '")[0]
    return sorted(" ".join(ln.split()[3:]) for ln in part.splitlines()
                  if re.search(r"\s(foo|bar)(@\S*)?$", ln))


def _error_kind(line: str) -> str:
    if "required symbol" in line:
        return "required"
    if "undefined" in line:
        return "undefined"
    return "other"


def _link(root: Path, lddir: str, linker: str, case: str) -> tuple:
    d = root / linker / case
    d.mkdir(parents=True, exist_ok=True)
    args = [a.format(root=root) for a in CASES[case]]
    args = [str(root / a) if a.endswith(".o") else a for a in args]
    out = d / ("lib.so" if "-shared" in args else "prog")
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    cmd = ["gcc", *ld, *args, f"-Wl,-rpath,{root}", "-o", str(out)]
    p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
    errors = sorted({_error_kind(ln) for ln in p.stderr.splitlines()
                     if "error" in ln or "required symbol" in ln or "undefined reference" in ln}
                    - {"other"} if p.returncode else set())
    if p.returncode != 0:
        return True, errors, out.exists()
    view = subprocess.run(["readelf", "-W", "--dyn-syms", "-s", "-d", str(out)], capture_output=True,
                          text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", view)
    ran = None
    if "-shared" not in args and "-nostartfiles" not in args:
        r = subprocess.run([str(out)], cwd=d, env=run_env(d, {}), capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, preexec_fn=_no_core)
        ran = (r.returncode, r.stdout, r.stderr)
    warn = sorted(re.sub(r"^.*?(warning: )", "", ln) for ln in p.stderr.splitlines()
                  if "entry symbol" in ln)
    return False, warn, _syms(view, ".dynsym"), _syms(view, ".symtab"), needed, ran


@pytest.mark.parametrize("case", list(CASES))
def test_u_as_needed(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    assert braze == bfd
    # what bfd does, so that the comparison covers what it is meant to
    if case in ("u", "u-after", "undefined-eq", "u-gc", "u-shared", "extern", "entry"):
        assert not bfd[0] and "libso.so" not in bfd[4] and bfd[3] and not bfd[2]
    elif case in ("u-and-ref", "require-defined-ref", "no-as-needed"):
        assert not bfd[0] and "libso.so" in bfd[4]
    elif case == "u-and-weak-ref":
        assert bfd == (True, ["undefined"], False)
    elif case == "require-defined":
        assert bfd == (True, ["required"], False)
    elif case.startswith("entry-archive"):
        assert not bfd[0] and any(" 9 foo" in s or re.search(r" \d+ foo$", s) for s in bfd[3])
