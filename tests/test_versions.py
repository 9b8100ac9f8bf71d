"""Symbol versioning in outputs, against ld.bfd on the same inputs (sources in tests/shlib/ver/):
version scripts with named nodes, dependencies, globs, `extern "C++"` and `local:` wildcards, inline
VERSION in a linker script, .symver definitions (`@`, `@@`, `@@@`) and versioned references,
--default-symver, --no-undefined-version and the errors bfd reports.

Every library is built by both linkers; readelf's view of .dynsym (name@version), .gnu.version_d /
.gnu.version_r and the dynamic tags must match, and executables linked by either linker against
either library must bind the same versions (at link time, with dlsym and with dlvsym)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env
import test_shared as shared
from test_shared import dynsyms, dyntags, elflint

SRC = Path(__file__).resolve().parent / "shlib" / "ver"
LINKERS = ("bfd", "test")


class Build(shared.Build):
    def obj(self, src: str, *flags: str, name=None) -> Path:
        out = self.root / (Path(src).stem + ".o")
        if not out.exists():
            cc = "g++" if src.endswith(".cc") else "gcc"
            self.run([cc, "-c", "-O2", "-fPIC", *flags, SRC / src, "-o", out])
        return out

    def link(self, linker: str, sub: str, out: str, args, cxx=False, check=True):
        """Links in root/linker/sub/; returns the output path, or the failed process."""
        d = self.root / linker / sub
        d.mkdir(parents=True, exist_ok=True)
        path = d / out
        if path.exists():
            return path
        p = self.run(["g++" if cxx else "gcc", *self.ld(linker), *map(str, args), "-o", path], cwd=d,
                     check=check)
        return path if p.returncode == 0 else p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("versions"), braze_lddir)


def run(cmd, cwd: Path):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=run_env(cwd, {}), capture_output=True, text=True,
                       errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


# name: (source, extra link arguments (FILE:x = a file in tests/shlib/ver), soname or None)
LIBS = {
    "nodes": ("libv.c", ["-Wl,--version-script=FILE:nodes.map"], "libv.so"),
    "no-local": ("libv.c", ["-Wl,--version-script=FILE:noloc.map"], None),
    "inline-script": ("libv.c", ["FILE:script.ld"], "libv.so"),
    "cxx": ("cxx.cc", ["-Wl,--version-script=FILE:cxx.map"], "libcxxv.so.1"),
    "anonymous": ("cxx.cc", ["-Wl,--version-script=FILE:anon.map"], "libcxxv.so.1"),
    "default-symver": ("cxx.cc", ["-Wl,--default-symver"], "libcxxv.so.1"),
    "default-symver-no-soname": ("cxx.cc", ["-Wl,--default-symver"], None),
    "default-symver-and-script": ("cxx.cc", ["-Wl,--default-symver", "-Wl,--version-script=FILE:cxx.map"],
                                  "libcxxv.so.1"),
    "symver-made-local": ("libv.c", ["-Wl,--version-script=FILE:hideold.map"], "libv.so"),
    "self-references": ("libv.c", ["OBJ:selfref.c", "-Wl,--version-script=FILE:selfref.map"], "libv.so"),
    "no-undefined-version-ok": ("libv.c", ["-Wl,--version-script=FILE:nodes.map", "-Wl,--no-undefined-version"],
                                "libv.so"),
}


def _args(build: Build, args) -> list[str]:
    return [str(build.obj(a[4:])) if a.startswith("OBJ:") else re.sub(r"FILE:(\S+)", lambda m: str(SRC / m.group(1)), a)
            for a in args]


def lib(build: Build, variant: str, linker: str) -> Path:
    src, args, soname = LIBS[variant]
    name = soname.split(".so")[0] + ".so" if soname else f"lib{variant}.so"
    flags = ["-shared", build.obj(src), *_args(build, args)] + ([f"-Wl,-soname,{soname}"] if soname else [])
    return build.link(linker, variant, name, flags, cxx=src.endswith(".cc"))


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env()).stdout


def version_sections(path: Path) -> str:
    """readelf -V without .gnu.version and without addresses: the Verdef/Verneed chains with their
    offsets, flags, counts and names. The index of a needed version follows the order of first use
    in .dynsym, whose order of undefined symbols is bfd's hash-table walk, so it is left out too."""
    out, skip = [], False
    for line in _readelf("-V", path).splitlines():
        if line.startswith("Version symbols section"):
            skip = True
            continue
        if line.startswith("Version ") and "section" in line:
            skip = False
        if skip or "Addr:" in line or not line.strip():
            continue
        out.append(re.sub(r"(Flags: \S+\s+Version:) \d+", r"\1 N", line.strip()))
    return "\n".join(out)


def symtab_binds(path: Path) -> set:
    """(name, binding) of the functions and data in .symtab: what `local:` made local is LOCAL there,
    and default .symver versions keep their `@@VERSION`. Start-up files' `_` names are left out."""
    out, on = set(), False
    for line in _readelf("-s", path).splitlines():
        if "'.symtab'" in line:
            on = True
        f = line.split()
        if on and len(f) >= 8 and f[3] in ("FUNC", "OBJECT") and (not f[7].startswith("_") or f[7].startswith("_Z")):
            out.add((f[7], f[4]))
    return out


def assert_same_versions(ref: Path, got: Path):
    assert dynsyms(got) == dynsyms(ref), (f".dynsym differs from bfd's:\n only test: {sorted(dynsyms(got) - dynsyms(ref))}"
                                          f"\n only bfd:  {sorted(dynsyms(ref) - dynsyms(got))}")
    assert version_sections(got) == version_sections(ref), (f"readelf -V differs:\n--- bfd\n{version_sections(ref)}"
                                                            f"\n--- test\n{version_sections(got)}")
    assert dyntags(got) == dyntags(ref), f"dynamic tags differ:\n bfd:  {dyntags(ref)}\n test: {dyntags(got)}"
    assert symtab_binds(got) == symtab_binds(ref), (f".symtab differs:\n only test: {symtab_binds(got) - symtab_binds(ref)}"
                                                    f"\n only bfd: {symtab_binds(ref) - symtab_binds(got)}")
    extra = elflint(got) - elflint(ref)
    assert not extra, f"eu-elflint --gnu-ld complains about the output under test only:\n{extra}"


@pytest.mark.parametrize("variant", sorted(LIBS))
def test_versioned_library_matches_bfds(build, variant):
    ref, got = lib(build, variant, "bfd"), lib(build, variant, "test")
    if "symver" in variant or variant in ("nodes", "cxx"):
        assert "Version definition section" in _readelf("-V", ref), "harness: bfd made no version definitions"
    assert_same_versions(ref, got)


def test_library_calls_its_own_versions(build):
    """foo@VERS_2 and foo@VERS_1 referenced inside the library bind to its own two definitions."""
    out = {ln: shared.run_ctypes(lib(build, "self-references", ln), ["callers"]) for ln in LINKERS}
    assert out["bfd"] == (0, "callers 21\n", ""), f"harness: {out['bfd']}"
    assert out["test"] == out["bfd"]


def test_cxx_patterns_pick_the_demangled_names(build):
    """The C++ library's versions are decided by demangled names: a sanity check on bfd's output
    that the comparison above is about something."""
    names = {n for n, *_ in dynsyms(lib(build, "cxx", "bfd"))}
    assert "_ZN3vns1fEi@@CXX_1" in names and "_ZN3vns1gEl@@CXX_2" in names and "_ZN3vns1fEd@@CXX_2" in names


def test_executable_binds_the_right_versions(build):
    """libv.so (two versions of foo and qux) from each linker; a host linked by each linker against
    each library calls the default and the hidden version, and asks dlvsym for both."""
    outputs = {}
    for lib_linker in LINKERS:
        so = lib(build, "nodes", lib_linker)
        for exe_linker in LINKERS:
            exe = build.link(exe_linker, f"host-{lib_linker}", "host",
                             [SRC / "host.c", so, f"-Wl,-rpath,{so.parent}", "-ldl"])
            outputs[(lib_linker, exe_linker)] = run([exe], cwd=so.parent)
            if exe_linker == "test":
                ref_exe = build.root / "bfd" / f"host-{lib_linker}" / "host"
                assert version_sections(exe) == version_sections(ref_exe)
                assert dynsyms(exe) == dynsyms(ref_exe)
    ref = outputs[("bfd", "bfd")]
    assert ref[0] == 0 and "foo=2 foo@VERS_1=1 qux=20 qux@VERS_1=10" in ref[1] and \
        "foo@VERS_1=1 foo@VERS_2=2 qux@VERS_1=10 qux@VERS_2=20 foo@NOPE=-1" in ref[1], f"harness: {ref}"
    for k, v in outputs.items():
        assert v == ref, f"library by {k[0]}, executable by {k[1]}: {v}\nbfd/bfd: {ref}"


def test_executable_defining_versions(build):
    """No version script: for an exported .symver definition bfd creates the version node itself."""
    exes = {ln: build.link(ln, "exe", "exe", [build.obj("exe.c", "-fPIE"), "-rdynamic"]) for ln in LINKERS}
    assert "VERS_1" in version_sections(exes["bfd"]), "harness: bfd made no version definitions"
    assert_same_versions(exes["bfd"], exes["test"])
    assert run([exes["test"]], exes["test"].parent) == run([exes["bfd"]], exes["bfd"].parent)
    plain = {ln: build.link(ln, "exe-plain", "exe", [build.obj("exe.c", "-fPIE")]) for ln in LINKERS}
    assert version_sections(plain["test"]) == version_sections(plain["bfd"])


ERRORS = {
    "node-not-found": ("libv.c", ["-Wl,--version-script=FILE:nover.map"]),
    "node-not-found-no-script": ("libv.c", []),
    "no-undefined-version": ("libv.c", ["-Wl,--version-script=FILE:undef.map", "-Wl,--no-undefined-version"]),
    "anonymous-and-named": ("cxx.cc", ["-Wl,--version-script=FILE:mixed.map"]),
    "duplicate-tag": ("cxx.cc", ["-Wl,--version-script=FILE:dup.map"]),
    "unknown-dependency": ("cxx.cc", ["-Wl,--version-script=FILE:baddep.map"]),
}


def _messages(stderr: str) -> set:
    out = set()
    for line in stderr.splitlines():
        m = re.match(r"\S*(?:ld\.bfd|ld|braze): (?:error: )?(.*)$", line)
        if m and "failed to set dynamic section sizes" not in m.group(1) and "ld returned" not in line:
            out.add(m.group(1))
    return out


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_version_errors_like_bfd(build, case):
    src, args = ERRORS[case]
    res = {}
    for ln in LINKERS:
        p = build.link(ln, f"err-{case}", "libe.so", ["-shared", build.obj(src), *_args(build, args)],
                       cxx=src.endswith(".cc"), check=False)
        assert isinstance(p, subprocess.CompletedProcess) and p.returncode != 0, f"{ln} linked {case}"
        assert not (build.root / ln / f"err-{case}" / "libe.so").exists()
        res[ln] = p
    got = res["test"].stderr
    assert "braze: error: " in got and "Traceback" not in got, got
    # bfd reports the first unplaced .symver symbol only; braze reports each: bfd's must be among them
    bfd = res["bfd"].stderr.replace(str(build.root / "bfd"), "DIR")
    missing = _messages(bfd) - _messages(got.replace(str(build.root / "test"), "DIR"))
    assert not missing, f"bfd says {missing}, braze says:\n{got}"
