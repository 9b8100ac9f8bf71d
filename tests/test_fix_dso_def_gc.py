"""A definition that a linked shared library defines too, against ld.bfd (found linking Rust: rustc's
compiler_builtins defines a weak hidden __udivti3, __extendhfsf2, __truncsfhf2 before -lgcc_s, whose
libgcc_s.so.1 defines them too; bfd kept their sections under --gc-sections, braze removed them).

bfd, in an executable: an object's definition that an object had already hidden (st_other hidden or
internal) when a linked library read after it defines the name too keeps its section under
--gc-sections, and stays GLOBAL HIDDEN in .symtab; a library read before the definition, a name still
visible at that moment (hidden later by a reference or --exclude-libs), a -shared output, or an
--as-needed library left out keep nothing, and a name still visible then is written LOCAL.  Each case
is linked by both, and compared: foo's and bar's .symtab entries (type, bind, visibility, section
name), the sections --print-gc-sections removed, .text's size, and the program's run."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, sh, tool_env

SOURCES = {
    # an object's hidden definitions, and a visible one
    "hdef.c": '__attribute__((visibility("hidden"))) int foo(int a) { return a + 1; }\n'
              '__attribute__((visibility("hidden"))) int bar = 5;\n',
    "idef.c": '__attribute__((visibility("internal"))) int foo(int a) { return a + 1; }\n'
              '__attribute__((visibility("internal"))) int bar = 5;\n',
    "wdef.c": '__attribute__((weak, visibility("hidden"))) int foo(int a) { return a + 1; }\n'
              '__attribute__((weak, visibility("hidden"))) int bar = 5;\n',
    "pdef.c": "int foo(int a) { return a + 1; }\nint bar = 5;\n",
    # main without references; references hidden in a section --gc-sections drops; a live one
    "noref.c": "int main(void) { return 0; }\n",
    "hru.c": 'extern int foo(int) __attribute__((visibility("hidden")));\n'
             'extern int bar __attribute__((visibility("hidden")));\n'
             "int unused2(void) { return foo(bar) == 0; }\n",
    "hr.c": 'extern int foo(int) __attribute__((visibility("hidden")));\n'
            'extern int bar __attribute__((visibility("hidden")));\n'
            "int main(void) { return foo(bar) != 6; }\n",
    # the libraries: plain, weak definitions, only a non-default version of foo
    "so.c": "int foo(int a) { return a * 3; }\nint bar = 7;\n",
    "wso.c": "__attribute__((weak)) int foo(int a) { return a * 3; }\n__attribute__((weak)) int bar = 7;\n",
    "vso.c": 'int foo_v1(int a) { return a * 3; }\n__asm__(".symver foo_v1,foo@V1");\nint bar = 7;\n',
    # the Rust case: a weak hidden __udivti3 in an archive, before gcc's -lgcc_s (needed: _Unwind_Resume)
    "udiv.c": '__attribute__((weak, visibility("hidden"))) unsigned __int128\n'
              "__udivti3(unsigned __int128 a, unsigned __int128 b) { return a + b; }\n",
    "umain.c": "extern unsigned __int128 __udivti3(unsigned __int128, unsigned __int128);\n"
               "unsigned __int128 unused(unsigned __int128 a, unsigned __int128 b) { return __udivti3(a, b); }\n"
               "extern void _Unwind_Resume(void *);\nvoid *volatile p;\n"
               "int main(void) { p = (void *)_Unwind_Resume; return 0; }\n",
}

NA = "-Wl,--no-as-needed"
GC = "-Wl,--gc-sections"
CASES = {
    "hidden-then-lib": ["noref.o", "hdef.o", NA, "-lso", GC],
    "lib-then-hidden": ["noref.o", NA, "-lso", "hdef.o", GC],
    "internal-then-lib": ["noref.o", "idef.o", NA, "-lso", GC],
    "weak-hidden-then-lib": ["noref.o", "wdef.o", NA, "-lso", GC],
    "hidden-then-weak-lib": ["noref.o", "hdef.o", NA, "-lwso", GC],
    "hidden-then-lib-nondefault-version": ["noref.o", "hdef.o", NA, "-lvso", GC],
    "hidden-then-indirect-lib": ["noref.o", "hdef.o", NA, "-lwrap", GC],
    "hidden-then-as-needed-lib-dropped": ["noref.o", "hdef.o", "-Wl,--as-needed", "-lso", GC],
    "hidden-then-lib-no-gc": ["noref.o", "hdef.o", NA, "-lso"],
    "lib-then-hidden-no-gc": ["noref.o", NA, "-lso", "hdef.o"],
    "hidden-ref-then-def-then-lib": ["noref.o", "hru.o", "pdef.o", NA, "-lso", GC],
    "def-then-lib-then-hidden-ref": ["noref.o", "pdef.o", NA, "-lso", "hru.o", GC],
    "lib-then-def-then-hidden-ref": ["noref.o", NA, "-lso", "pdef.o", "hru.o", GC],
    "exclude-libs": ["noref.o", "libp.a", NA, "-lso", "-Wl,--exclude-libs,ALL", "-Wl,-u,foo,-u,bar", GC],
    "live-hidden-ref-before-lib": ["hr.o", "pdef.o", NA, "-lso"],
    "live-hidden-ref-after-lib": ["pdef.o", NA, "-lso", "hr.o"],
    "live-def-hidden-then-lib": ["hr.o", "hdef.o", NA, "-lso", GC],
    "no-pie": ["-no-pie", "noref.o", "hdef.o", NA, "-lso", GC],
    "shared": ["-shared", "hdef.o", NA, "-lso", GC],
    "udivti3-before-libgcc_s": ["umain.o", "libudiv.a", GC],
}


class Build:
    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir

    def run(self, cmd, cwd=None) -> str:
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=300)
        assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p.stdout + p.stderr


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    b = Build(tmp_path_factory.mktemp("dsodefgc"), braze_lddir)
    for name, text in SOURCES.items():
        (b.root / name).write_text(text)
    objs = ["hdef", "idef", "wdef", "pdef", "noref", "hru", "hr", "udiv", "umain"]
    for o in objs:
        b.run(["gcc", "-c", "-O2", "-fPIC", "-ffunction-sections", "-fdata-sections", f"{o}.c", "-o", f"{o}.o"])
    b.run(["ar", "rcs", "libp.a", "pdef.o"])
    b.run(["ar", "rcs", "libudiv.a", "udiv.o"])
    (b.root / "v.map").write_text("V1 { global: foo; bar; };\n")
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "so.c", "-o", "libso.so"])
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "wso.c", "-o", "libwso.so"])
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "vso.c", "-Wl,--version-script=v.map",
           "-o", "libvso.so"])
    # a library needing libso.so, which the command line does not name
    (b.root / "wrap.c").write_text("int wrap_dummy;\n")
    b.run(["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "wrap.c", "-L.", NA, "-lso", "-o", "libwrap.so"])
    return b


def _syms(path: Path) -> list[tuple]:
    out = subprocess.run(["readelf", "-W", "-s", "-S", str(path)], capture_output=True, text=True,
                         check=True).stdout
    secnames = {int(m[1]): m[2] for m in re.finditer(r"^\s*\[\s*(\d+)\]\s+(\S+)", out, re.M)}
    rows = []
    part = out.split("Symbol table '.symtab'")[1] if "Symbol table '.symtab'" in out else ""
    for line in part.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] in ("foo", "bar", "__udivti3"):
            ndx = f[6]
            rows.append((f[7], f[3], f[4], f[5], secnames.get(int(ndx), ndx) if ndx.isdigit() else ndx))
    return sorted(rows)


def _text_size(path: Path) -> int:
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\]\s+\.text\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    return int(m[1], 16) if m else -1


def _removed(text: str) -> list[str]:
    return sorted(re.sub(r"^\S+: ", "", ln) for ln in text.splitlines() if "removing unused section" in ln)


def _link(build: Build, linker: str, case: str, args: list[str]) -> tuple[Path, list[str]]:
    d = build.root / linker / case
    d.mkdir(parents=True, exist_ok=True)
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
    out = d / ("lib.so" if "-shared" in args else "prog")
    objs = [str(build.root / a) if a.endswith((".o", ".a")) else a for a in args]
    log = build.run(["gcc", *ld, *objs, f"-L{build.root}", f"-Wl,-rpath,{build.root}",
                     "-Wl,--print-gc-sections", "-o", out], cwd=d)
    return out, _removed(log.replace(str(build.root) + "/", ""))


def _run(prog: Path, libdir: Path) -> tuple:
    p = subprocess.run([str(prog)], cwd=prog.parent, env=run_env(prog.parent, {"LD_LIBRARY_PATH": str(libdir)}),
                       capture_output=True,
                       text=True, timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_dso_def_gc(build, case):
    args = CASES[case]
    bfd, bfd_removed = _link(build, "bfd", case, args)
    braze, braze_removed = _link(build, "braze", case, args)
    assert _syms(braze) == _syms(bfd)
    assert braze_removed == bfd_removed
    assert _text_size(braze) == _text_size(bfd)
    if "-shared" not in args:
        assert _run(braze, build.root) == _run(bfd, build.root) == (0, "", "")


def test_cases_cover_both_outcomes(build):
    """The cases are not vacuous: bfd keeps the hidden definition's section in one and removes it in
    another, and writes a name both GLOBAL HIDDEN and LOCAL."""
    kept = _syms(_link(build, "bfd", "hidden-then-lib", CASES["hidden-then-lib"])[0])
    gone = _syms(_link(build, "bfd", "lib-then-hidden", CASES["lib-then-hidden"])[0])
    assert [r[2:4] for r in kept] == [("GLOBAL", "HIDDEN")] * 2 and gone == []
    local = _syms(_link(build, "bfd", "live-hidden-ref-after-lib", CASES["live-hidden-ref-after-lib"])[0])
    assert ("bar", "OBJECT", "LOCAL", "DEFAULT", ".data") in local
    udiv = _syms(_link(build, "bfd", "udivti3-before-libgcc_s", CASES["udivti3-before-libgcc_s"])[0])
    assert [r[0] for r in udiv] == ["__udivti3"]
