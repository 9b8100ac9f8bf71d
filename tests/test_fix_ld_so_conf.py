"""/etc/ld.so.conf in the search for a library a linked shared library needs (DT_NEEDED), against
ld.bfd (native and aarch64 cross): bfd reads SYSROOT/usr/etc/ld.so.conf, else SYSROOT/etc/ld.so.conf,
and searches its directories after the parent's DT_RUNPATH/DT_RPATH and before the default ones.
Each case builds a sysroot (--sysroot=S) holding the configuration and copies of libb.so, each copy
with a soname of its own (libb.so.<dir>) so the one found shows: liba.so needs libb.so. Three links
per case, by both linkers (called directly), compared: exit status, messages and -y/--dependency-file
output (m1.o refers to a only: "needed by ... not found" and the undefined reference of
--no-allow-shlib-undefined), "DSO missing from command line" (m2.o also calls b), and the DT_NEEDED
list with --copy-dt-needed-entries. The file syntax (comments, include globs, words, `:`, `=`, hwcap
lines, trailing slashes, $ORIGIN/$LIB) and the other search lists (-rpath-link, -rpath,
LD_LIBRARY_PATH, the parent's run path: which are put in the sysroot) are covered here too."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import braze_command, sh, tool_env

B_C = "int b(void) { return 2; }\n"
A_C = "int b(void);\nint a(void) { return b() + 1; }\n"
M1_C = "int a(void);\nvoid _start(void) { a(); }\n"
M2_C = "int a(void); int b(void);\nvoid _start(void) { a(); b(); }\n"

X86 = {"cc": "gcc", "ld": "ld", "tag": "x86"}
A64 = {"cc": H.PREFIX + "gcc", "ld": H.PREFIX + "ld", "tag": "a64"}


def _run(cmd, cwd, env=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=300)
    assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


class Tree:
    """Objects and libraries of one machine, built once; libb copies by soname on demand."""

    def __init__(self, root: Path, m: dict):
        self.root = root
        self.m = m
        self.libs: dict[str, Path] = {}
        for name, text in (("b.c", B_C), ("a.c", A_C), ("m1.c", M1_C), ("m2.c", M2_C)):
            (root / name).write_text(text)
        cc = m["cc"]
        for s in ("m1", "m2"):
            _run([cc, "-O1", "-fno-pie", "-c", f"{s}.c", "-o", f"{s}.o"], root)
        self.lib("libb.so")
        shutil.copy(self.libs["libb.so"], root / "libb.so")

        def liba(out, *extra):
            _run([cc, "-O1", "-fPIC", "-shared", "-nostdlib", "-Wl,-soname,liba.so", "-o", out, "a.c", "-L.",
                  "-lb", *extra], root)
        liba("liba.so")
        liba("liba_runpath.so", "-Wl,--enable-new-dtags", "-Wl,-rpath,/rp")
        liba("liba_rpath.so", "-Wl,--disable-new-dtags", "-Wl,-rpath,/rp")
        liba("liba_dst.so", "-Wl,--enable-new-dtags", "-Wl,-rpath,/nope:$ORIGIN/ro:$LIB/rl")

    def lib(self, soname: str, needs: tuple = ()) -> Path:
        """libb.so with that soname, needing `needs` (stub libraries of those sonames)."""
        key = ",".join((soname, *needs))
        if key not in self.libs:
            out = self.root / f"b-{key}"
            stubs = [self.stub(n) for n in needs]
            _run([self.m["cc"], "-O1", "-fPIC", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", out, "b.c",
                  "-Wl,--no-as-needed", *stubs], self.root)
            self.libs[key] = out
        return self.libs[key]

    def stub(self, soname: str) -> Path:
        out = self.root / f"stub-{soname}"
        if not out.exists():
            (self.root / "stub.c").write_text("int stub_fn(void) { return 0; }\n")
            _run([self.m["cc"], "-fPIC", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", out, "stub.c"],
                 self.root)
        return out


@pytest.fixture(scope="module")
def x86(tmp_path_factory) -> Tree:
    return Tree(tmp_path_factory.mktemp("ldsoconf_x86"), X86)


@pytest.fixture(scope="module")
def a64(tmp_path_factory) -> Tree:
    assert H.have_toolchain(), "the aarch64 cross toolchain is needed (Makefile APT_PKGS)"
    return Tree(tmp_path_factory.mktemp("ldsoconf_a64"), A64)


def _lay_out(tree: Tree, case_dir: Path, files: dict, other: Tree | None = None) -> None:
    """files: path (under the case directory; S/... is the sysroot) -> text, or ("lib", dir-tag) for a
    libb.so with soname libb.so.<tag>, ("foreign", tag) for one of the other machine, ("copy", name)."""
    for rel, what in files.items():
        rel = rel.replace("{case}", str(case_dir).lstrip("/"))
        p = case_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(what, str):
            p.write_text(what.replace("{case}", str(case_dir)))
        elif what[0] == "lib":
            shutil.copy(tree.lib(f"libb.so.{what[1]}", tuple(what[2:])), p)
        elif what[0] == "stub":
            shutil.copy(tree.stub(what[1]), p)
        elif what[0] == "foreign":
            assert other is not None
            shutil.copy(other.lib(f"libb.so.{what[1]}"), p)
        else:
            shutil.copy(tree.root / what[1], p)


def _norm(text: str) -> list[str]:
    """Messages without the program's name; an object's undefined reference (bfd: "m2.c:(.text+0xa):
    undefined reference to `b'" after an "in function" line; braze, as README says: "undefined
    symbol: b" and ">>> referenced by" lines) as "object: undefined b"."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^(\S*ld|braze): (error: )?", "", line)
        if ": in function `" in line or line.startswith(">>> "):
            continue
        m = re.match(r"(?:\S+\.c:\(\S+\): undefined reference to `|undefined symbol: )([^']+)'?$", line)
        out.append(f"object: undefined {m.group(1)}" if m else line)
    return out


def _needed(path: Path) -> list[str]:
    text = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", text)


def _link(tree: Tree, case_dir: Path, linker: str, args: list[str], env_extra: dict | None):
    out = case_dir / "out"
    dep = case_dir / "out.d"
    for f in (out, dep):
        if f.exists():
            f.unlink()
    cmd = ([tree.m["ld"]] if linker == "bfd" else braze_command()) + ["-o", "out", *args]
    env = tool_env(env_extra)
    p = subprocess.run(cmd, cwd=case_dir, env=env, capture_output=True, text=True, errors="replace", timeout=300)
    res = {"rc": p.returncode, "msgs": _norm(p.stdout + p.stderr), "exists": out.exists()}
    if out.exists():
        res["needed"] = _needed(out)
    if dep.exists():
        res["dep"] = dep.read_text()
    return sh(cmd), res


def compare_case(tree: Tree, case_dir: Path, args: list[str], env_extra=None, parent="liba.so"):
    """The three links by both linkers; returns bfd's results (which library each found)."""
    sysroot = [f"--sysroot={case_dir}/S"] if (case_dir / "S").exists() else []
    for f in ("m1.o", "m2.o", parent):
        shutil.copy(tree.root / f, case_dir / f)
    links = {
        "trace": [*sysroot, *args, "m1.o", parent, "-y", "b", "--dependency-file=out.d"],
        "dso_missing": [*sysroot, *args, "m2.o", parent],
        "copy": [*sysroot, *args, "--copy-dt-needed-entries", "m2.o", parent],
    }
    found = {}
    for name, largs in links.items():
        bcmd, b = _link(tree, case_dir, "bfd", largs, env_extra)
        tcmd, t = _link(tree, case_dir, "braze", largs, env_extra)
        assert t == b, f"{name}\n$ {bcmd}\n{b}\n$ {tcmd}\n{t}"
        found[name] = b
    return found


def _found(res) -> str | None:
    """Which libb.so bfd took, from the --copy-dt-needed-entries link's DT_NEEDED (None: not found)."""
    if res["copy"]["rc"] != 0:
        return None
    tags = [n[len("libb.so."):] for n in res["copy"]["needed"] if n.startswith("libb.so.")]
    return tags[0] if tags else None


LIB = ("lib",)
S_CONF = "S/etc/ld.so.conf"

# (id, files, extra linker arguments, environment, parent library, expected libb.so.<tag> bfd finds)
CASES = [
    ("basic", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1")}, [], None, "liba.so", "d1"),
    ("usr_etc_first", {S_CONF: "/d1\n", "S/usr/etc/ld.so.conf": "/d2\n", "S/d1/libb.so": ("lib", "d1"),
                       "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "d2"),
    ("usr_etc_empty_wins", {S_CONF: "/d1\n", "S/usr/etc/ld.so.conf": "", "S/d1/libb.so": ("lib", "d1")},
     [], None, "liba.so", None),
    ("no_conf", {"S/etc/other": "", "S/d1/libb.so": ("lib", "d1")}, [], None, "liba.so", None),
    ("runpath_before_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"), "S/rp/libb.so": ("lib", "rp")},
     [], None, "liba_runpath.so", "rp"),
    ("rpath_before_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"), "S/rp/libb.so": ("lib", "rp")},
     [], None, "liba_rpath.so", "rp"),
    ("runpath_missing_then_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1")}, [], None,
     "liba_runpath.so", "d1"),
    ("ld_library_path_before_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                     "llp/libb.so": ("lib", "llp")},
     [], {"LD_LIBRARY_PATH": "{case}/llp"}, "liba.so", "llp"),
    ("rpath_link_before_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"), "rl/libb.so": ("lib", "rl")},
     ["-rpath-link", "{case}/rl"], None, "liba.so", "rl"),
    # -rpath's directories lie in the sysroot, -rpath-link's and LD_LIBRARY_PATH's do not
    ("rpath_in_sysroot_rpath_link_not", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                         "S/rl/libb.so": ("lib", "srl"), "S/ro/libb.so": ("lib", "ro")},
     ["-rpath-link", "/rl", "-rpath", "/ro"], None, "liba.so", "ro"),
    ("ld_library_path_not_in_sysroot", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                        "S/{case}/llp/libb.so": ("lib", "sllp")},
     [], {"LD_LIBRARY_PATH": "/nope:{case}/llp"}, "liba.so", "d1"),
    ("conf_before_default_dirs", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                  "S/usr/lib/libb.so": ("lib", "default")}, [], None, "liba.so", "d1"),
    ("default_dirs_after_conf", {S_CONF: "/nope\n", "S/usr/lib/libb.so": ("lib", "default")}, [], None,
     "liba.so", "default"),
    ("nostdlib_still_reads_conf", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                   "S/usr/lib/libb.so": ("lib", "default")}, ["-nostdlib"], None, "liba.so", "d1"),
    # include: relative to the including file, glob sorted by bytes, `*` skips dot files
    ("include_glob", {S_CONF: "include conf.d/*.conf\n", "S/etc/conf.d/b.conf": "/d2\n",
                      "S/etc/conf.d/a.conf": "/d1\n", "S/etc/conf.d/.h.conf": "/d3\n", "S/etc/conf.d/c.txt": "/d3\n",
                      "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2"), "S/d3/libb.so": ("lib", "d3")},
     [], None, "liba.so", "d1"),
    ("include_glob_byte_order", {S_CONF: "include g/*\n", "S/etc/g/a": "/d1\n", "S/etc/g/B": "/d2\n",
                                 "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "d2"),
    ("include_where_it_stands", {S_CONF: "/nope\ninclude x.conf\n/d2\n", "S/etc/x.conf": "/d1\n",
                                 "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "d1"),
    # an absolute include is the host's file (not the sysroot's); its directories are in the sysroot
    ("include_absolute_not_in_sysroot", {S_CONF: "include {case}/host.conf\n", "host.conf": "/d2\n",
                                         "S/{case}/host.conf": "/d1\n",
                                         "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "d2"),
    ("include_nested_relative", {S_CONF: "include sub/a.conf\n", "S/etc/sub/a.conf": "include deeper/b.conf\n",
                                 "S/etc/sub/deeper/b.conf": "/d1\n", "S/etc/deeper/b.conf": "/d2\n",
                                 "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "d1"),
    ("include_several_and_missing", {S_CONF: "include\tnothere.conf  a.conf\tb.conf # c.conf\n",
                                     "S/etc/a.conf": "/nope\n", "S/etc/b.conf": "/d1\n", "S/etc/c.conf": "/d2\n",
                                     "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "d1"),
    # `include` alone is the relative directory "include" (in the current directory)
    ("include_alone_is_a_directory", {S_CONF: "include\n/d2\n", "include/libb.so": ("lib", "inc"),
                                      "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "inc"),
    ("comments_and_blank_lines", {S_CONF: "# /d2\n\n\t \n   /nope#/d2\n  /d3 # /d2\n",
                                  "S/d2/libb.so": ("lib", "d2"), "S/d3/libb.so": ("lib", "d3")},
     [], None, "liba.so", "d3"),
    # one directory a line (up to white space or `=`); `:` separates, a comma does not
    ("words", {S_CONF: "/nope /d1\n/nope,/d1\n/nope=/d1\n/nope\t/d1\n/n2:/d2\n",
               "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2"), "S/nope,/d1/libb.so": ("lib", "comma")},
     [], None, "liba.so", "comma"),
    ("words_colon", {S_CONF: "/nope /d1\n/nope=/d1\n/nope\t/d1\n/n2:/d2\n",
                     "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "d2"),
    ("hwcap_line_is_a_directory", {S_CONF: "hwcap 0 /d1\n/d2\n", "hwcap/libb.so": ("lib", "hw"),
                                   "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")},
     [], None, "liba.so", "hw"),
    ("relative_not_in_sysroot", {S_CONF: "rel\n", "rel/libb.so": ("lib", "rel"), "S/rel/libb.so": ("lib", "srel")},
     [], None, "liba.so", "rel"),
    ("trailing_slashes", {S_CONF: "/d1//\n", "S/d1/libb.so": ("lib", "d1")}, [], None, "liba.so", "d1"),
    ("empty_element_is_current_dir", {S_CONF: "/nope:\n/d2\n", "libb.so": ("lib", "cwd"),
                                      "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "cwd"),
    ("slash_is_current_dir", {S_CONF: "/nope\n/\n/d2\n", "libb.so": ("lib", "cwd"), "S/libb.so": ("lib", "sroot"),
                              "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "cwd"),
    ("slash_alone_is_nothing", {S_CONF: "/\n", "libb.so": ("lib", "cwd"), "S/libb.so": ("lib", "sroot")},
     [], None, "liba.so", None),
    ("equals_first_is_current_dir", {S_CONF: "=/d2\n/d2\n", "libb.so": ("lib", "cwd"),
                                     "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "cwd"),
    ("origin", {S_CONF: "${ORIGIN}x\n$PLATFORM\n$ORIGIN/o\n", "o/libb.so": ("lib", "o")}, [], None,
     "liba.so", "o"),
    ("lib", {S_CONF: "$LIBx\n${LIB}/x\n", "lib64/x/libb.so": ("lib", "lib64")}, [], None, "liba.so", "lib64"),
    # the parent's run path: $ORIGIN is not put in the sysroot, an absolute directory is
    ("runpath_dst", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"), "ro/libb.so": ("lib", "ro"),
                     "S/{case}/ro/libb.so": ("lib", "sro")}, [], None, "liba_dst.so", "ro"),
    ("runpath_lib", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"), "lib64/rl/libb.so": ("lib", "rl")},
     [], None, "liba_dst.so", "rl"),
    # bfd's first pass passes over a library that needs others but no libc.so.*, and one that needs
    # FOO.so.N when a library loaded is FOO.so.M; the second takes the first one
    ("first_pass_wants_libc", {S_CONF: "/d1\n/d2\n/d3\n", "S/d1/libb.so": ("lib", "d1", "libq.so"),
                               "S/d2/libb.so": ("lib", "d2", "libq.so", "libc.so.6"),
                               "S/d3/libb.so": ("lib", "d3")}, [], None, "liba.so", "d2"),
    ("first_pass_no_needed_ok", {S_CONF: "/d1\n/d2\n", "S/d1/libb.so": ("lib", "d1", "libq.so"),
                                 "S/d2/libb.so": ("lib", "d2")}, [], None, "liba.so", "d2"),
    ("second_pass", {S_CONF: "/d1\n/d2\n", "S/d1/libb.so": ("lib", "d1", "libq.so"),
                     "S/d2/libb.so": ("lib", "d2", "libr.so")}, [], None, "liba.so", "d1"),
    ("first_pass_version_mismatch", {S_CONF: "/d1\n/d2\n", "libv.so": ("stub", "libv.so.1"),
                                     "S/d1/libb.so": ("lib", "d1", "libv.so.2", "libc.so.6"),
                                     "S/d2/libb.so": ("lib", "d2", "libc.so.6")},
     ["libv.so"], None, "liba.so", "d2"),
    ("version_mismatch_second_pass", {S_CONF: "/d1\n", "libv.so": ("stub", "libv.so.1"),
                                      "S/d1/libb.so": ("lib", "d1", "libv.so.2", "libc.so.6")},
     ["libv.so"], None, "liba.so", "d1"),
    # what is not a shared library of the link's machine is passed over
    ("not_libraries_skipped", {S_CONF: "/d0\n/d1\n/d2\n/d3\n", "S/d0/libb.so": "GROUP ( /d3/libb.so )\n",
                               "S/d1/libb.so": ("copy", "m1.o"), "S/d2/libb.so": ("foreign", "x"),
                               "S/d3/libb.so": ("lib", "d3")}, [], None, "liba.so", "d3"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_ld_so_conf_x86_64(x86, a64, tmp_path, case):
    name, files, args, env, parent, expect = case
    _lay_out(x86, tmp_path, files, a64)
    args = [a.replace("{case}", str(tmp_path)) for a in args]
    env = {k: v.replace("{case}", str(tmp_path)) for k, v in env.items()} if env else None
    res = compare_case(x86, tmp_path, args, env, parent)
    assert _found(res) == expect, res


A64_CASES = [
    ("basic", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1")}, "d1"),
    ("usr_etc_first", {S_CONF: "/d1\n", "S/usr/etc/ld.so.conf": "include x.conf\n", "S/usr/etc/x.conf": "/d2\n",
                       "S/d1/libb.so": ("lib", "d1"), "S/d2/libb.so": ("lib", "d2")}, "d2"),
    ("conf_before_default_dirs", {S_CONF: "/d1\n", "S/d1/libb.so": ("lib", "d1"),
                                  "S/usr/aarch64-linux-gnu/lib/libb.so": ("lib", "default")}, "d1"),
    ("x86_64_library_skipped", {S_CONF: "/d1\n/d2\n", "S/d1/libb.so": ("foreign", "x86"),
                                "S/d2/libb.so": ("lib", "d2")}, "d2"),
]


@pytest.mark.parametrize("case", A64_CASES, ids=[c[0] for c in A64_CASES])
def test_ld_so_conf_aarch64(x86, a64, tmp_path, case):
    """The cross linker reads the sysroot's ld.so.conf too."""
    name, files, expect = case
    _lay_out(a64, tmp_path, files, x86)
    res = compare_case(a64, tmp_path, [])
    assert _found(res) == expect, res


def test_aarch64_host_conf_without_sysroot(a64, tmp_path):
    """Without --sysroot the cross linker reads the host's /etc/ld.so.conf, whose directories hold
    x86-64 libraries: libc.so.6 (needed by liba) is the aarch64 one of the default directories."""
    (tmp_path / "ac.c").write_text('#include <stdio.h>\nint b(void);\nint a(void) { puts("a"); return b(); }\n')
    _run([a64.m["cc"], "-O1", "-fPIC", "-shared", "-Wl,--no-as-needed", "-Wl,-soname,libac.so", "-o",
          tmp_path / "libac.so", "ac.c", "-L", a64.root, "-lb"], tmp_path)
    (tmp_path / "libb.so").write_bytes((a64.root / "libb.so").read_bytes())
    args = ["-rpath-link", str(tmp_path), "m1.o", "libac.so", "-y", "puts", "--dependency-file=out.d"]
    shutil.copy(a64.root / "m1.o", tmp_path / "m1.o")
    bcmd, b = _link(a64, tmp_path, "bfd", args, None)
    tcmd, t = _link(a64, tmp_path, "braze", args, None)
    assert t == b, f"$ {bcmd}\n{b}\n$ {tcmd}\n{t}"
    assert b["rc"] == 0 and "/usr/aarch64-linux-gnu/lib/libc.so.6" in b["dep"], b


def test_include_cycle_refused(x86, tmp_path):
    """bfd follows `include` of a file being read until it runs out of file descriptors; braze refuses."""
    _lay_out(x86, tmp_path, {S_CONF: "include ld.so.conf\n/d1\n", "S/d1/libb.so": ("lib", "d1")})
    shutil.copy(x86.root / "m1.o", tmp_path)
    shutil.copy(x86.root / "liba.so", tmp_path)
    p = subprocess.run(braze_command() + ["-o", "out", f"--sysroot={tmp_path}/S", "m1.o", "liba.so"], cwd=tmp_path,
                       env=tool_env(), capture_output=True, text=True)
    assert p.returncode == 1 and "braze: error:" in p.stderr and "includes itself" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and not (tmp_path / "out").exists()
