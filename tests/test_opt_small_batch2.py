"""-Bgroup, --default-imported-symver, --no-define-common and --error-handling-script against ld.bfd,
from the same objects compiled at test time: readelf views of the outputs (DT_FLAGS_1, .dynsym and
.symtab names with their versions, .gnu.version_r, dynamic relocations), exit status and stderr, the
programs run, and for the error handling script the log of its calls (arguments, order)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, tool_env

SOURCES = {
    "main.c": '#include <stdio.h>\nextern int foo(void);\nextern int bar(void);\n'
              'int main(void){ printf("%d\\n", foo() + bar()); return 0; }\n',
    "lib.c": "int foo(void){ return 1; }\nint bar(void){ return 2; }\n",
    "u.c": "extern int undef_x(void);\nint use(void){ return undef_x(); }\n",
    "lu.c": "extern int missing_in_lib(void);\nint foo(void){ return missing_in_lib(); }\nint bar(void){ return 2; }\n",
    "sh.c": "extern int foo(void);\nint sh(void){ return foo(); }\n",
    "shx.c": "extern int foo(void);\nextern int zz(void);\nint sh(void){ return foo() + zz(); }\n",
    "dat.c": "int dvar = 5;\nint wfun(void){ return 7; }\n",
    "md.c": '#include <stdio.h>\nextern int dvar;\nextern int wfun(void) __attribute__((weak));\n'
            'int main(void){ printf("%d %d\\n", dvar, wfun ? wfun() : 0); return 0; }\n',
    "pc.c": '#include <stdio.h>\nint foo(void){ puts("foo"); return 1; }\nint bar(void){ return 2; }\n',
    "com.c": '#include <stdio.h>\nint cvar; int cbig[100];\n'
             'int main(void){ cvar = 3; cbig[5] = 4; printf("%d %d\\n", cvar, cbig[5]); return 0; }\n',
    "lc.c": "int cvar; int cbig[100];\nint get(void){ return cvar + cbig[5]; }\n",
    "ml.c": '#include <stdio.h>\nint cvar = 10; int cbig[100] = {[5] = 7};\nextern int get(void);\n'
            'int main(void){ printf("%d\\n", get()); return 0; }\n',
    "tc.c": "__thread int tcom __attribute__((common));\nint gt(void){ return tcom; }\n",
    "rep.c": "extern int foo(void); extern int bar(void);\n"
             "int r1(void){ return foo()+foo()+foo()+foo()+foo()+foo()+foo()+bar()+foo(); }\n"
             "int r2(void){ return foo(); }\n",
    "hid.c": 'extern int hx(void) __attribute__((visibility("hidden")));\nint f(void){ return hx(); }\n',
    "vr.c": '__asm__(".symver vfoo,vfoo@V9");\nextern int vfoo(void);\nint g(void){ return vfoo(); }\n',
    "cx.cc": "int cxxfn(int);\nint g(){ return cxxfn(1); }\n",
}

# the script logs its arguments and what it reads on stdin, writes to stdout (bfd discards it) and stderr
LOGGER = """#!/bin/sh
echo "$# $*" >> "$EHLOG"
cat >> "$EHLOG"
echo "to stdout: $*"
echo "SCRIPT: $*" >&2
exit 3
"""


class W:
    def __init__(self, root: Path, lddir: str, direct: list[str]):
        self.root = root
        self.lddir = lddir
        self.direct = direct

    def run(self, cmd, env=None, cwd=None) -> subprocess.CompletedProcess:
        return subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=env or tool_env(),
                              capture_output=True, text=True, errors="replace", timeout=300)

    def ld(self, linker: str, args, out: str, env=None):
        """ld.bfd or braze run directly in the work directory; the output goes to bfd/ or test/."""
        d = self.root / linker
        d.mkdir(exist_ok=True)
        o = d / out
        if o.exists():
            o.unlink()
        cmd = (["ld.bfd"] if linker == "bfd" else list(self.direct)) + [*map(str, args), "-o", str(o)]
        return self.run(cmd, env=env), o

    def gcc(self, linker: str, args, out: str):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        sel = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]
        p = self.run(["gcc", *sel, *args, "-o", d / out])
        assert p.returncode == 0, p.stderr
        return d / out


@pytest.fixture(scope="module")
def w(tmp_path_factory, braze_lddir, direct_ld) -> W:
    root = tmp_path_factory.mktemp("batch2")
    wk = W(root, braze_lddir, direct_ld)
    for name, text in SOURCES.items():
        (root / name).write_text(text)
    for name in SOURCES:
        stem, ext = name.rsplit(".", 1)
        flags = ["-fPIC"] if stem in ("lib", "lu", "sh", "dat", "pc", "lc", "tc", "u", "hid") else []
        if stem in ("com", "lc", "tc"):
            flags.append("-fcommon")
        p = wk.run(["g++" if ext == "cc" else "gcc", "-c", "-O0", *flags, name, "-o", f"{stem}.o"])
        assert p.returncode == 0, p.stderr
    wk.run(["gcc", "-c", "-O0", "-fPIC", "-fcommon", "com.c", "-o", "comp.o"])
    for args in (["-shared", "-soname", "libl.so", "lib.o", "-o", "libl.so"],
                 ["-shared", "lib.o", "-o", "libns.so"],                  # no DT_SONAME
                 ["-shared", "-soname", "libu.so", "lu.o", "-o", "libu.so"],
                 ["-shared", "-soname", "libdat.so", "dat.o", "-o", "libdat.so"]):
        p = wk.run(["ld.bfd", *args])
        assert p.returncode == 0, p.stderr
    (root / "v.map").write_text("V1 { global: foo; };\n")
    p = wk.run(["ld.bfd", "-shared", "-soname", "libvv.so", "--version-script=v.map", "lib.o", "-o", "libvv.so"])
    assert p.returncode == 0, p.stderr
    # a library linked against libc: .gnu.version (and .gnu.version_r) but no version definitions
    p = wk.run(["gcc", "-fuse-ld=bfd", "-shared", "-Wl,-soname,libpc.so", "pc.o", "-o", "libpc.so"])
    assert p.returncode == 0, p.stderr
    (root / "eh.sh").write_text(LOGGER)
    (root / "eh.sh").chmod(0o755)
    return wk


def readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env()).stdout


def flags_lines(path) -> list[str]:
    return [ln.split(None, 1)[1] for ln in readelf("-d", path).splitlines() if "FLAGS" in ln]


def sym_rows(path, dyn: bool, names=None) -> set[tuple]:
    """(name with version, type, bind, visibility, defined?, size) of the global symbols (`foo@V (3)`
    loses its index: bfd numbers versions in its hash table's order)."""
    rows = set()
    for ln in readelf("--dyn-syms" if dyn else "-s", path).splitlines():
        f = ln.split()
        if len(f) < 8 or not f[0].endswith(":") or f[4] == "LOCAL":
            continue
        name = f[7]
        if names is not None and name.split("@")[0] not in names:
            continue
        rows.add((name, f[3], f[4], f[5], f[6] != "UND", int(f[2], 0) if f[6] == "UND" else None))
    return rows


def verneed(path) -> set[tuple]:
    """(file, version name, flags) of .gnu.version_r (without the indices and offsets)."""
    out, cur = set(), None
    for ln in readelf("-V", path).splitlines():
        m = re.search(r"File: (\S+)", ln)
        if m:
            cur = m[1]
        m = re.search(r"Name: (\S+)\s+Flags: (\S+)", ln)
        if m:
            out.add((cur, m[1], m[2]))
    return out


def dyn_relocs(path, names) -> list[tuple]:
    out = []
    for ln in readelf("-r", path).splitlines():
        f = ln.split()
        if len(f) >= 5 and f[2].startswith("R_") and f[4] in names:
            out.append((f[2], f[4]))
    return sorted(out)


def run_prog(path: Path, libdir: Path):
    """Run `./NAME` from its own directory (the loader's messages name it so)."""
    p = subprocess.run(["./" + path.name], cwd=path.parent, capture_output=True, text=True, errors="replace",
                       timeout=RUN_TIMEOUT, preexec_fn=_no_core,
                       env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LD_LIBRARY_PATH": str(libdir)})
    return p.returncode, p.stdout, p.stderr


def norm(text: str) -> str:
    """bfd's messages with braze's program name."""
    return re.sub(r"^(ld\.bfd|ld):", "braze:", text, flags=re.M)


# ------------------------------------------------------------------ -Bgroup

@pytest.mark.parametrize("mode", [["-pie", "-fPIE"], ["-no-pie"], ["-Wl,--disable-new-dtags"], ["-Wl,-z,now"]],
                         ids=["pie", "no-pie", "old-dtags", "now"])
def test_bgroup_executable(w, mode):
    outs = {k: w.gcc(k, [*mode, "-Wl,-Bgroup", "main.c", "-L.", "-ll"], "bg") for k in ("bfd", "test")}
    assert "GROUP" in " ".join(flags_lines(outs["bfd"]))
    assert flags_lines(outs["test"]) == flags_lines(outs["bfd"])
    assert run_prog(outs["test"], w.root) == run_prog(outs["bfd"], w.root) == (0, "3\n", "")


@pytest.mark.parametrize("args,ok", [
    (["-Bgroup", "lib.o"], True),
    (["-Bgroup", "--disable-new-dtags", "-z", "now", "-z", "nodelete", "lib.o"], True),
    (["-Bgroup", "u.o"], False),                                     # report-all: undefined is an error
    (["-Bgroup", "--unresolved-symbols=ignore-all", "u.o"], True),    # a later option wins
    (["--unresolved-symbols=ignore-all", "-Bgroup", "u.o"], False),
    (["-Bgroup", "sh.o", "-L.", "-lu"], False),                       # the library's undefined reference
    (["-Bgroup", "--allow-shlib-undefined", "sh.o", "-L.", "-lu"], True),
], ids=["plain", "old-dtags-now", "undef", "then-ignore", "ignore-then", "shlib-undef", "allow-shlib"])
def test_bgroup_shared(w, args, ok):
    (pb, ob), (pt, ot) = (w.ld(k, ["-shared", *args], "bg.so") for k in ("bfd", "test"))
    assert pb.returncode == (0 if ok else 1), pb.stderr
    assert pt.returncode == pb.returncode, pt.stderr
    if ok:
        assert flags_lines(ot) == flags_lines(ob)
        assert sym_rows(ot, True) == sym_rows(ob, True)
    else:
        assert not ot.exists()
        names = re.findall(r"`(\w+)'", pb.stderr)
        assert names and all(n in pt.stderr for n in names), (pb.stderr, pt.stderr)


# ------------------------------------------------------------------ --default-imported-symver

@pytest.mark.parametrize("case", ["pie", "no-soname", "sub-dir", "copy-weak", "shared", "versioned", "libc-linked"])
def test_default_imported_symver(w, case):
    sub = w.root / "sub"
    sub.mkdir(exist_ok=True)
    (sub / "libns.so").write_bytes((w.root / "libns.so").read_bytes())
    args, run = {
        "pie": (["-pie", "-fPIE", "main.c", "-L.", "-ll"], True),
        "no-soname": (["-pie", "-fPIE", "main.c", "./libns.so"], True),
        "sub-dir": (["-pie", "-fPIE", "main.c", "sub/libns.so"], False),
        "copy-weak": (["-no-pie", "md.c", "-L.", "-ldat"], True),          # copy relocation, weak import
        "shared": (["-shared", "sh.o", "-L.", "-ll"], False),
        "versioned": (["-pie", "-fPIE", "main.c", "-L.", "-lvv"], True),   # foo@@V1 and an unversioned bar
        "libc-linked": (["-pie", "-fPIE", "main.c", "-L.", "-lpc"], True),  # .gnu.version, no definitions
    }[case]
    outs = {k: w.gcc(k, ["-Wl,--default-imported-symver", *args], "dis") for k in ("bfd", "test")}
    names = {"foo", "bar", "dvar", "wfun", "printf", "__libc_start_main"}
    for dyn in (True, False):
        assert sym_rows(outs["test"], dyn, names) == sym_rows(outs["bfd"], dyn, names)
    assert verneed(outs["test"]) == verneed(outs["bfd"])
    if case in ("pie", "copy-weak", "shared"):
        assert any(n.endswith(".so") for _f, n, _fl in verneed(outs["bfd"]))      # the invented version
    if run:
        # (glibc's loader fails an assertion on the invented versions: the same for both)
        assert run_prog(outs["test"], w.root) == run_prog(outs["bfd"], w.root)


# ------------------------------------------------------------------ --no-define-common

@pytest.mark.parametrize("args", [["com.o"], ["-pie", "comp.o"], ["-r", "com.o"], ["-r", "-d", "com.o"]],
                         ids=["exe", "pie", "r", "r-d"])
def test_no_define_common_needs_shared(w, args):
    (pb, ob), (pt, ot) = (w.ld(k, ["--no-define-common", *args], "ndc") for k in ("bfd", "test"))
    assert pb.returncode == pt.returncode == 1
    assert norm(pb.stderr) == "braze: --no-define-common may not be used without -shared\n"
    assert pt.stderr == "braze: error: --no-define-common may not be used without -shared\n"
    assert not ob.exists() and not ot.exists()


@pytest.mark.parametrize("obj", ["comp.o", "lc.o", "tc.o"])
def test_no_define_common_shared(w, obj):
    (pb, ob), (pt, ot) = (w.ld(k, ["-shared", "--no-define-common", obj], "libndc.so") for k in ("bfd", "test"))
    assert pb.returncode == pt.returncode == 0, pt.stderr
    names = {"cvar", "cbig", "tcom"}
    want = sym_rows(ob, True, names)
    assert want and all(not r[4] and r[5] == 0 for r in want)        # undefined, size 0
    assert sym_rows(ot, True, names) == want
    assert sym_rows(ot, False, names) == sym_rows(ob, False, names)
    assert dyn_relocs(ot, names) == dyn_relocs(ob, names)
    assert "COMMON" not in readelf("-S", ot) and readelf("-S", ob).count(".bss") == readelf("-S", ot).count(".bss")
    # -z defs: the commons are undefined references now
    (pb, ob), (pt, ot) = (w.ld(k, ["-shared", "--no-define-common", "-z", "defs", obj], "libndc2.so")
                          for k in ("bfd", "test"))
    assert pb.returncode == pt.returncode == 1
    for n in set(re.findall(r"`(\w+)'", pb.stderr)):
        assert n in pt.stderr


def test_no_define_common_runs(w):
    """The library's commons bind to the program's definitions when it is loaded."""
    for k in ("bfd", "test"):
        p, lib = w.ld(k, ["-shared", "-soname", "liblc.so", "--no-define-common", "lc.o"], "liblc.so")
        assert p.returncode == 0, p.stderr
    outs = {k: w.gcc(k, ["ml.c", "-L.", f"{k}/liblc.so"], "ml") for k in ("bfd", "test")}
    assert run_prog(outs["test"], w.root / "test") == run_prog(outs["bfd"], w.root / "bfd") == (0, "17\n", "")


# ------------------------------------------------------------------ --error-handling-script

def both_eh(w, args, script="./eh.sh", extra_env=None):
    """Link with each linker under the script; (exit status, stdout, normalised stderr, script log)."""
    res = {}
    for k in ("bfd", "test"):
        log = w.root / f"eh-{k}.log"
        if log.exists():
            log.unlink()
        env = tool_env({"EHLOG": str(log), **(extra_env or {})})
        p, out = w.ld(k, [f"--error-handling-script={script}", *args], "eh", env=env)
        res[k] = (p.returncode, p.stdout, norm(p.stderr), log.read_text() if log.exists() else None,
                  out.exists())
    return res


@pytest.mark.parametrize("args", [
    ["-e", "r1", "rep.o"],                                          # five in a row, "more follow", the rest
    ["-e", "r1", "rep.o", "--warn-once"],
    ["-e", "_Z1gv", "cx.o"],                                        # the mangled name
    ["-e", "g", "vr.o"],                                            # a versioned reference
    ["-shared", "hid.o"],                                           # hidden: also an error in a library
    ["-shared", "-z", "defs", "u.o"],
    ["-e", "sh", "sh.o", "-L.", "-lu"],                             # a library's undefined reference
], ids=["repeated", "warn-once", "c++", "versioned", "hidden", "z-defs", "shlib"])
@pytest.mark.parametrize("warn", [False, True], ids=["error", "warn"])
def test_error_script_undefined(w, args, warn):
    res = both_eh(w, (["--warn-unresolved-symbols"] if warn else []) + args)
    b, t = res["bfd"], res["test"]
    assert b[3] and b[3].startswith("2 undefined-symbol ")           # it ran, stdin empty
    assert t[3] == b[3]                                              # same calls, same order
    assert t[0] == b[0] and t[1] == b[1] == ""                       # exit status; its stdout discarded
    assert t[4] == b[4]
    if warn and "hid.o" not in args:
        assert t[2] == b[2]                   # bfd's warnings, each after the script's stderr line
    else:
        assert t[2].count("SCRIPT: ") == b[2].count("SCRIPT: ")


@pytest.mark.parametrize("args", [
    ["-shared", "u.o"],                                             # a library may leave it undefined
    ["--unresolved-symbols=ignore-all", "-e", "r2", "rep.o"],
    ["-shared", "--ignore-unresolved-symbol", "undef_x", "-z", "defs", "u.o"],
], ids=["shared", "ignore-all", "ignore-one"])
def test_error_script_not_called(w, args):
    res = both_eh(w, args)
    assert res["bfd"][0] == 0 and res["bfd"][3] is None
    assert res["test"][:4] == res["bfd"][:4]


def test_error_script_missing_libs(w):
    (w.root / "g.ld").write_text("GROUP(-lnoC AS_NEEDED(-lnoD))\n")
    (w.root / "i.ld").write_text("INPUT(nofile.o)\n")
    (w.root / "i2.ld").write_text("INPUT(/nonexistent/nofile.o)\n")
    for args in (["-lnoA", "-lnoB"], ["-l:libnosuch.so"], ["g.ld"], ["i.ld"], ["i2.ld"],
                 ["-static", "-lnoE"], ["nosuch.o", "-lnoF"]):
        res = both_eh(w, ["-e", "r2", "rep.o", *args])
        b, t = res["bfd"], res["test"]
        assert b[0] == t[0] == 1 and not t[4]
        assert b[3] and b[3].startswith("2 missing-lib ")
        assert t[3] == b[3], args
        assert t[2].count("SCRIPT: ") == b[2].count("SCRIPT: ")


@pytest.mark.parametrize("script", ["./nosuch.sh", "./noexec.sh", "./noshebang.sh", "/", "", "PATH"])
@pytest.mark.parametrize("quiet", [False, True], ids=["", "w"])
def test_error_script_cannot_run(w, script, quiet):
    (w.root / "noexec.sh").write_text("#!/bin/sh\necho hi >&2\n")
    (w.root / "noexec.sh").chmod(0o644)
    (w.root / "noshebang.sh").write_text('echo "NOSHEBANG $*" >&2\n')
    (w.root / "noshebang.sh").chmod(0o755)
    extra = None
    if script == "PATH":         # looked up in PATH, as execvp does
        pdir = w.root / "pbin"
        pdir.mkdir(exist_ok=True)
        (pdir / "myeh").write_text(LOGGER)
        (pdir / "myeh").chmod(0o755)
        script, extra = "myeh", {"PATH": f"{pdir}:{os.environ['PATH']}"}
    args = ["--warn-unresolved-symbols", "-e", "r2", "rep.o"] + (["-w"] if quiet else [])
    res = both_eh(w, args, script=script, extra_env=extra)
    assert res["test"][:3] == res["bfd"][:3]
    assert res["bfd"][0] == 0


def test_error_script_refused_mixed(w):
    """Undefined references in an object and in a library: bfd reports the object's first, braze the
    library's (and stops there on errors), so with a script that order would differ: refused."""
    res = both_eh(w, ["-e", "sh", "shx.o", "-L.", "-lu"])
    assert res["bfd"][0] == 1 and res["bfd"][3].splitlines()[0] == "2 undefined-symbol zz"
    assert res["test"][0] == 1 and not res["test"][4]
    assert "braze: error: --error-handling-script with undefined references both in objects and in a " \
           "shared library" in res["test"][2]
