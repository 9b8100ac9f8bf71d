"""Export control and symbol-version options, each linked by ld.bfd AND by the linker under test from
the same objects (sources in tests/c/exports_opt/), compared on behaviour (the programs' output) and
on readelf's views: .dynsym (name@version, type, binding, visibility), the version of each dynamic
symbol (.gnu.version), version definitions, dynamic tags, dynamic relocations (section, type,
symbol) and the .symtab entries of the symbols concerned (name, type, binding, visibility).

-Bno-symbolic, --export-dynamic-symbol(-list) (a dynamic list in executables; in -shared only with
-Bsymbolic(-functions) or --dynamic-list, which then bind every unlisted symbol locally),
--exclude-libs, -z [no]dynamic-undefined-weak and the x86-64 rules for an executable's undefined
weak symbols, --unresolved-symbols=ignore-* in executables, `.symver name@` (empty version), plain
foo next to foo@V, and .symver names of symbols a version script makes local."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from harness import BuildDir, RUN_TIMEOUT, _no_core, run_env, tool_env
from test_shared import dyntags
from test_versions import version_sections

SRC = Path(__file__).resolve().parent / "c" / "exports_opt"
LINKERS = ("bfd", "test")


class Build(BuildDir):
    def obj(self, src: str, *flags: str) -> Path:
        tag = re.sub(r"[^\w]+", "_", "".join(flags))
        out = self.root / f"{Path(src).stem}{tag}.o"
        if not out.exists():
            self.run(["gcc", "-c", "-O2", *flags, SRC / src, "-o", out])
        return out

    def archive(self, name: str, *objs: Path) -> Path:
        out = self.root / name
        if not out.exists():
            self.run(["ar", "rcs", out, *objs])
        return out

    def link(self, linker: str, sub: str, out: str, args, check=True, cxx=False):
        """Links in root/linker/sub/; the output path, or the failed process when check is False."""
        d = self.root / linker / sub
        d.mkdir(parents=True, exist_ok=True)
        path = d / out
        p = self.run(["g++" if cxx else "gcc", *self.ld(linker), *map(str, args), "-o", path], cwd=d, check=check)
        return path if p.returncode == 0 else p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("exports"), braze_lddir)


def run(cmd, cwd: Path, env=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=run_env(cwd, env or {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env()).stdout


def _symbols(path: Path, table: str) -> list[tuple]:
    """(name, type, bind, vis, defined?) of the entries of '.dynsym' or '.symtab' (not the null one)."""
    out, on = [], False
    for line in _readelf("--dyn-syms" if table == ".dynsym" else "-s", path).splitlines():
        if line.startswith("Symbol table"):
            on = f"'{table}'" in line
            continue
        f = line.split()
        if on and len(f) >= 8 and f[0].rstrip(":").isdigit() and f[0] != "0:":
            name = re.sub(r" \(\d+\)$", "", " ".join(f[7:]))
            out.append((name, f[3], f[4], f[5], f[6] != "UND"))
    return out


def dynsyms(path: Path) -> Counter:
    return Counter(_symbols(path, ".dynsym"))


def symtab(path: Path, names) -> Counter:
    """.symtab entries whose name (without @version) is in `names`."""
    return Counter(e for e in _symbols(path, ".symtab") if re.split("@", e[0])[0] in names)


def versyms(path: Path) -> Counter:
    """(dynamic symbol name, its .gnu.version entry: `(*global*)`, `1h` (hidden base), `(V1)`, `h(V1)`…)."""
    names = [e[0].split("@")[0] for e in _symbols(path, ".dynsym")]
    text = _readelf("-V", path)
    m = re.search(r"Version symbols section.*?\n(.*?)(?:\n\n|\Z)", text, re.S)
    if not m:
        return Counter()
    vals = re.findall(r"\s([0-9a-f]+h?(?: ?\([^)]*\))?)", "\n".join(l.split(":", 1)[1] for l in m.group(1).splitlines()
                                                            if re.match(r"\s+[0-9a-f]+:", l)))
    # a needed version's index follows bfd's order of first use (see test_versions): only its name counts
    return Counter((n, re.sub(r"^[0-9a-f]+(h?) ?(\(.*\))$", r"\1\2", v)) for n, v in zip(names, vals[1:]))


def dyn_relocs(path: Path) -> Counter:
    """(relocation section, type, symbol name) of each dynamic relocation; RELATIVE ones count only."""
    out, sec = Counter(), None
    for line in _readelf("-r", path).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            sec = m.group(1)
            continue
        f = line.split()
        if len(f) >= 3 and f[2].startswith("R_X86_64_"):
            out[(sec, f[2], f[4] if len(f) > 5 and not f[2].endswith("RELATIVE") else "")] += 1
    return out


def assert_same(ref: Path, got: Path, names=(), what=""):
    for view in (dynsyms, versyms, dyn_relocs):
        a, b = view(ref), view(got)
        assert a == b, (f"{what}: {view.__name__} differs from bfd's:\n only bfd:  {sorted((a - b).elements())}"
                        f"\n only test: {sorted((b - a).elements())}")
    assert dyntags(got) == dyntags(ref), f"{what}: dynamic tags differ:\n bfd:  {dyntags(ref)}\n test: {dyntags(got)}"
    # (as lines: the order of a Verneed's entries follows .dynsym's order of first use, not compared here)
    va, vb = (sorted(re.sub(r"^(0x)?[0-9a-f]+:\s*", "", line) for line in
                     version_sections(p).replace(p.name, "OUT").splitlines()) for p in (ref, got))
    assert va == vb, f"{what}: readelf -V differs:\n--- bfd\n" + "\n".join(va) + "\n--- test\n" + "\n".join(vb)
    if names:
        a, b = symtab(ref, names), symtab(got, names)
        assert a == b, f"{what}: .symtab differs:\n only bfd:  {sorted((a - b).elements())}\n only test: " \
                       f"{sorted((b - a).elements())}"


# ------------------------------------------------------------------ -B / dynamic list / export list

BIND_VARIANTS = {
    "no-symbolic-after-symbolic": ["-Wl,-Bsymbolic", "-Wl,-Bno-symbolic"],
    "no-symbolic-after-functions": ["-Wl,-Bsymbolic-functions", "-Wl,-Bno-symbolic"],
    "symbolic-after-no-symbolic": ["-Wl,-Bno-symbolic", "-Wl,-Bsymbolic"],
    "functions-after-symbolic": ["-Wl,-Bsymbolic", "-Wl,-Bsymbolic-functions"],
    "symbolic-functions": ["-Wl,-Bsymbolic-functions"],      # NOTYPE and TLS bind locally too (bfd)
    "export-symbol-ignored": ["-Wl,--export-dynamic-symbol=exp_fn"],
    "export-symbol-symbolic": ["-Wl,--export-dynamic-symbol=exp_fn", "-Wl,-Bsymbolic"],
    "export-glob-functions": ["-Wl,--export-dynamic-symbol=exp_*", "-Wl,-Bsymbolic-functions"],
    "export-list-symbolic": ["-Wl,--export-dynamic-symbol-list=FILE:bind.list", "-Wl,-Bsymbolic"],
    "export-and-dynamic-list": ["-Wl,--export-dynamic-symbol=tls_var", "-Wl,--dynamic-list=FILE:bind.list"],
    "dynamic-list-symbolic": ["-Wl,--dynamic-list=FILE:bind.list", "-Wl,-Bsymbolic"],
}


def _args(args):
    return [re.sub(r"FILE:(\S+)", lambda m: str(SRC / m.group(1)), a) for a in args]


@pytest.mark.parametrize("variant", sorted(BIND_VARIANTS))
def test_symbolic_and_export_lists_bind_like_bfd(build, variant):
    """Which of the library's symbols its own code reaches (the host interposes all of them), and
    the library's readelf view."""
    obj = build.obj("bind_lib.c", "-fPIC")
    out = {}
    for ln in LINKERS:
        lib = build.link(ln, f"bind-{variant}", "libbind.so", ["-shared", obj, *_args(BIND_VARIANTS[variant])])
        host = build.link("bfd", f"bind-{variant}-{ln}", "host", [SRC / "bind_host.c", lib, f"-Wl,-rpath,{lib.parent}"])
        out[ln] = (lib, run([host], host.parent))
    assert out["bfd"][1][0] == 0 and "bind_report" in out["bfd"][1][1], f"harness: {out['bfd'][1]}"
    assert out["test"][1] == out["bfd"][1]
    assert_same(out["bfd"][0], out["test"][0], what=variant)


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
@pytest.mark.parametrize("flags", [["-Wl,--export-dynamic-symbol=exp_*"],
                                   ["-Wl,--export-dynamic-symbol=exp_a", "-Wl,--export-dynamic-symbol-list=FILE:exe.list"],
                                   ["-Wl,-Bsymbolic", "-Wl,--export-dynamic-symbol=exp_b"]], ids=["glob", "list", "symbolic"])
def test_export_dynamic_symbol_in_executables(build, mode, flags):
    obj = build.obj("exe_exports.c", "-fPIE" if mode == "-pie" else "-fno-pie")
    exes = {ln: build.link(ln, f"exe{mode}-{len(flags)}-{flags[0][-5:]}", "exe", [mode, obj, *_args(flags)])
            for ln in LINKERS}
    names = {"exp_a", "exp_b", "other_c", "data_d", "exp_hidden"}
    assert {e[0] for e in dynsyms(exes["bfd"])} & names, "harness: bfd exported none of them"
    assert_same(exes["bfd"], exes["test"], names, f"{mode} {flags}")
    assert run([exes["test"]], exes["test"].parent) == run([exes["bfd"]], exes["bfd"].parent)


# ------------------------------------------------------------------ --exclude-libs

ARCH_NAMES = {"a_data", "a_func", "a_prot", "a_weak", "b_func", "lib_entry"}
EXCLUDE_LIB_VARIANTS = {
    "one": ["-Wl,--exclude-libs=liba.a"],
    "all": ["-Wl,--exclude-libs=ALL"],
    "colon-list": ["-Wl,--exclude-libs=liba.a:libb.a"],
    "without-suffix": ["-Wl,--exclude-libs=liba"],
    "prefix-only": ["-Wl,--exclude-libs=lib"],              # matches no archive
    "twice": ["-Wl,--exclude-libs,libb.a", "-Wl,--exclude-libs,liba.a"],
    "with-version-script": ["-Wl,--exclude-libs=ALL", "-Wl,--version-script=FILE:arch.map"],
}


def _archives(build: Build, pic: str) -> Path:
    """liba.a (arch_a.o) and libb.a (arch_b.o) compiled with `pic`, in a directory of their own."""
    d = build.root / f"ar{pic}"
    d.mkdir(exist_ok=True)
    build.archive(f"ar{pic}/liba.a", build.obj("arch_a.c", pic))
    build.archive(f"ar{pic}/libb.a", build.obj("arch_b.c", pic))
    return d


@pytest.mark.parametrize("variant", sorted(EXCLUDE_LIB_VARIANTS))
def test_exclude_libs_shared(build, variant):
    libdir = _archives(build, "-fPIC")
    obj = build.obj("arch_lib.c", "-fPIC")
    libs = {ln: build.link(ln, f"excl-{variant}", "libx.so",
                           ["-shared", obj, f"-L{libdir}", "-la", "-lb", *_args(EXCLUDE_LIB_VARIANTS[variant])])
            for ln in LINKERS}
    assert_same(libs["bfd"], libs["test"], ARCH_NAMES, variant)
    outs = {}
    for ln, lib in libs.items():
        host = build.link("bfd", f"excl-{variant}-host-{ln}", "host", [SRC / "arch_host.c", lib,
                                                                       f"-Wl,-rpath,{lib.parent}"])
        outs[ln] = run([host], host.parent)
    assert outs["bfd"][0] == 0 and "lib_entry" in outs["bfd"][1], f"harness: {outs['bfd']}"
    assert outs["test"] == outs["bfd"]


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
@pytest.mark.parametrize("flags", [["-Wl,-E", "-Wl,--exclude-libs=ALL"], ["-Wl,--exclude-libs=ALL"],
                                   ["-Wl,--exclude-libs=libb.a"],
                                   ["-Wl,--exclude-libs=ALL", "-Wl,--export-dynamic-symbol=a_*"]],
                         ids=["E-all", "all", "referenced-by-dso", "export-symbol"])
def test_exclude_libs_executable(build, mode, flags):
    """A definition from an excluded archive is not exported even when -E, a dynamic list or a
    library's reference would export it; .symtab shows it LOCAL where bfd tried to export it (or a
    PIE calls it through the PLT), GLOBAL HIDDEN elsewhere, as bfd writes it."""
    pic = "-fPIE" if mode == "-pie" else "-fno-pie"
    libdir = _archives(build, pic)
    dso = build.link("bfd", "excl-dso", "libdso.so", ["-shared", "-fPIC", SRC / "arch_dso.c"])
    obj = build.obj("arch_exe.c", pic)
    tag = f"excl-exe{mode}-{'-'.join(re.sub(r'[^a-zA-Z]', '', f) for f in flags)}"
    exes = {ln: build.link(ln, tag, "exe", [mode, obj, f"-L{libdir}", "-la", "-lb", dso, f"-Wl,-rpath,{dso.parent}",
                                            *flags]) for ln in LINKERS}
    assert_same(exes["bfd"], exes["test"], ARCH_NAMES, f"{mode} {flags}")
    assert run([exes["test"]], exes["test"].parent) == run([exes["bfd"]], exes["bfd"].parent)


def test_exclude_libs_static_libstdcxx(build):
    """A C++ library with libstdc++.a and libgcc inside: the whole .dynsym, .symtab (every entry's
    name, type, binding, visibility) and the dynamic relocations as bfd's; it throws and catches."""
    obj = build.root / "cxx_lib.o"
    if not obj.exists():
        build.run(["g++", "-c", "-O2", "-fPIC", SRC / "cxx_lib.cc", "-o", obj])
    libs = {ln: build.link(ln, "excl-cxx", "libcx.so", ["-shared", obj, "-static-libstdc++", "-static-libgcc",
                                                        "-Wl,--exclude-libs=ALL"], cxx=True) for ln in LINKERS}
    assert "libstdc++" not in _readelf("-d", libs["bfd"]), "harness: libstdc++.so linked"
    assert [e[0] for e in _symbols(libs["bfd"], ".dynsym") if e[4]] == ["cxx_entry"], "harness"
    assert_same(libs["bfd"], libs["test"], what="static libstdc++")
    a, b = Counter(_symbols(libs["bfd"], ".symtab")), Counter(_symbols(libs["test"], ".symtab"))
    assert a == b, f".symtab differs:\n only bfd:  {sorted((a - b).elements())[:20]}\n only test: " \
                   f"{sorted((b - a).elements())[:20]}"
    code = "import ctypes, sys\nl = ctypes.CDLL(sys.argv[1])\nprint(l.cxx_entry(5), l.cxx_entry(1))\n"
    outs = {ln: run([sys.executable, "-c", code, libs[ln]], libs[ln].parent) for ln in LINKERS}
    assert outs["bfd"][0] == 0 and outs["bfd"][1].strip(), f"harness: {outs['bfd']}"
    assert outs["test"] == outs["bfd"]


# ------------------------------------------------------------------ undefined weak symbols

WEAK_MODES = {"pie": ("-fPIE", "-pie"), "nopie": ("-fno-pie", "-no-pie"), "pic-pie": ("-fPIC", "-pie"),
              "pic-nopie": ("-fPIC", "-no-pie")}
Z_WEAK = {"default": [], "dynamic": ["-Wl,-z,dynamic-undefined-weak"], "nodynamic": ["-Wl,-z,nodynamic-undefined-weak"]}


@pytest.mark.parametrize("z", sorted(Z_WEAK))
@pytest.mark.parametrize("mode", sorted(WEAK_MODES))
def test_undefined_weak_in_executables(build, mode, z):
    """Which undefined weak symbols get a .dynsym entry, a PLT slot or a GOT relocation: the C program
    (address tests, a call, a GOT load) and hand-written references (PLT call only, GOT load only,
    an absolute address in code, a data pointer)."""
    cflag, ldflag = WEAK_MODES[mode]
    objs = [build.obj("weak.c", cflag)] + [build.obj(s, cflag) for s in
                                          ("weak_plt.s", "weak_got.s", "weak_abs.s", "weak_data.s")]
    if ldflag == "-pie":
        objs.remove(build.obj("weak_abs.s", cflag))     # an absolute address: refused in a PIE (below)
    exes = {ln: build.link(ln, f"weak-{mode}-{z}", "exe", [ldflag, *objs, *Z_WEAK[z]]) for ln in LINKERS}
    names = {"weak_fn", "weak_var", "weak_got_only", "w_plt", "w_got", "w_abs", "w_data"}
    assert_same(exes["bfd"], exes["test"], names, f"{mode} {z}")
    ref = run([exes["bfd"]], exes["bfd"].parent)
    assert ref[0] == 0 and ref[1], f"harness: {ref}"
    assert run([exes["test"]], exes["test"].parent) == ref


@pytest.mark.parametrize("src", ["weak_pc.s", "weak_abs.s"])
def test_undefined_weak_absolute_reference_in_pie_is_an_error(build, src):
    obj = build.obj(src, "-fPIE")
    res = {ln: build.link(ln, f"weak-err-{src}", "exe", ["-pie", build.obj("weak.c", "-fPIE"), obj], check=False)
           for ln in LINKERS}
    for ln, p in res.items():
        assert isinstance(p, subprocess.CompletedProcess) and p.returncode != 0, f"{ln} linked {src} into a PIE"
    msg = re.search(r"relocation (R_X86_64_\w+) against undefined symbol `(\w+)' can not be used when making a "
                    r"PIE object", res["bfd"].stderr)
    assert msg, f"harness: {res['bfd'].stderr}"
    assert msg.group(0) in res["test"].stderr and "Traceback" not in res["test"].stderr, res["test"].stderr


# ------------------------------------------------------------------ --unresolved-symbols

UNRES_NAMES = {"missing_fn", "missing_var", "missing_weak"}


def _unresolved_exe(build, linker, mode, how):
    cflag, ldflag = WEAK_MODES[mode]
    return build.link(linker, f"unres-{mode}-{how}", "exe", [ldflag, build.obj("unresolved.c", cflag),
                                                              f"-Wl,--unresolved-symbols={how}"])


@pytest.mark.parametrize("how", ["ignore-all", "ignore-in-object-files"])
def test_unresolved_symbols_ignored_in_executables(build, how):
    """The ignored symbols resolve to 0 with no .dynsym (or .symtab) entry and no dynamic relocation."""
    exes = {ln: _unresolved_exe(build, ln, "nopie", how) for ln in LINKERS}
    assert not {e[0] for e in dynsyms(exes["bfd"])} & {"missing_fn", "missing_var"}, "harness"
    assert_same(exes["bfd"], exes["test"], UNRES_NAMES, how)
    expected = run([exes["bfd"]], exes["bfd"].parent)
    assert expected[0] == 0 and "fp=0" in expected[1], f"harness: {expected}"
    assert run([exes["test"]], exes["test"].parent) == expected


@pytest.mark.parametrize("how", ["ignore-all", "ignore-in-object-files"])
def test_braze_unresolved_symbols_ignored_in_pie(build, how):
    """In a PIE bfd keeps R_X86_64_NONE entries for the ignored symbols, one of them in .rela.plt,
    which ld.so refuses to load ("unexpected PLT reloc type 0x00"): the output under test must have
    bfd's dynamic and static symbols and print what bfd's non-PIE program prints. (With BRAZE_LDDIR
    pointing at ld.bfd this test fails: that is bfd's broken PIE.)"""
    exes = {ln: _unresolved_exe(build, ln, "pic-pie", how) for ln in LINKERS}
    assert dynsyms(exes["test"]) == dynsyms(exes["bfd"])
    assert symtab(exes["test"], UNRES_NAMES) == symtab(exes["bfd"], UNRES_NAMES)
    nopie = _unresolved_exe(build, "bfd", "nopie", how)
    expected = run([nopie], nopie.parent)
    assert expected[0] == 0 and "fp=0" in expected[1], f"harness: {expected}"
    assert run([exes["test"]], exes["test"].parent) == expected


# ------------------------------------------------------------------ symbol versions

SYMVER_LIBS = {
    # name: (objects, version script or None, dlsym/dlvsym calls)
    "empty-version": (["symver_empty.c"], None, ["sym_a", "sym_b", "impl_a", "plain"]),
    "empty-version-used": (["symver_empty.c", "symver_use.c"], None, ["use_ab", "sym_a"]),
    "empty-version-script": (["symver_empty.c"], "empty_global.map", ["sym_a", "sym_b", "plain@V1", "impl_b@V1"]),
    "empty-version-local": (["symver_empty.c"], "empty_local.map", ["sym_a", "sym_b", "plain", "impl_a"]),
    "both-literal": (["symver_both.c"], "both_literal.map", ["foo", "foo@V1", "foo@V2"]),
    "both-unlisted": (["symver_both.c"], "both_none.map", ["foo", "foo@V1", "foo@V2"]),
    "both-literal-v2": (["symver_both.c"], "both_v2.map", ["foo", "foo@V1", "foo@V2"]),
    "both-glob": (["symver_both.c"], "both_glob.map", ["foo", "foo@V2", "foo_v1"]),   # foo@V1: two in .dynsym
    "local-keep": (["symver_local.c"], "local_keep.map", ["keep", "new", "old@V1"]),
    "local-all": (["symver_local.c"], "local_all.map", ["keep", "new", "old@V1"]),
}
SYMVER_NAMES = {"sym_a", "sym_b", "impl_a", "impl_b", "plain", "use_ab", "foo", "foo_v1", "foo_v2", "old", "new",
                "old_impl", "new_impl", "keep", "V1", "V2"}


@pytest.mark.parametrize("variant", sorted(SYMVER_LIBS))
def test_symbol_versions_like_bfd(build, variant):
    srcs, vmap, calls = SYMVER_LIBS[variant]
    objs = [build.obj(s, "-fPIC") for s in srcs]
    extra = [f"-Wl,--version-script={SRC / vmap}"] if vmap else []
    host = build.link("bfd", "symver-host", "host", [SRC / "symver_host.c", "-ldl"])
    out = {}
    for ln in LINKERS:
        lib = build.link(ln, f"symver-{variant}", "libsv.so", ["-shared", *objs, *extra, "-Wl,-soname,libsv.so"])
        out[ln] = (lib, run([host, lib, *calls], lib.parent))
    assert out["bfd"][1][0] == 0, f"harness: {out['bfd'][1]}"
    assert out["test"][1] == out["bfd"][1]
    assert_same(out["bfd"][0], out["test"][0], SYMVER_NAMES, variant)


def test_plain_and_default_version_definitions_collide(build):
    """bar and bar@@V2 at different addresses in one object: bfd reports a multiple definition."""
    obj = build.obj("symver_dup.c", "-fPIC")
    res = {ln: build.link(ln, "symver-dup", "libdup.so", ["-shared", obj, f"-Wl,--version-script={SRC / 'both_literal.map'}"],
                          check=False) for ln in LINKERS}
    for ln, p in res.items():
        assert isinstance(p, subprocess.CompletedProcess) and p.returncode != 0, f"{ln} linked it"
    assert "multiple definition of `bar'" in res["bfd"].stderr, f"harness: {res['bfd'].stderr}"
    err = res["test"].stderr
    assert ("duplicate symbol: bar" in err or "multiple definition of `bar'" in err) and "Traceback" not in err, err
    assert not (build.root / "test" / "symver-dup" / "libdup.so").exists()


def test_unresolved_symbols_ignored_in_static_pie_is_refused(tmp_path, braze_lddir):
    """-static-pie imports nothing, so an ignored undefined symbol would turn into the load address:
    bfd fails this link (a dynamic relocation in read-only code), braze refuses it; neither writes
    an output. (-static links it to 0 in both.)"""
    src = tmp_path / "u.c"
    src.write_text('#include <stdio.h>\nextern int missing_var;\n'
                   'int main(void) { printf("%p\\n", (void *)&missing_var); return 0; }\n')
    obj = tmp_path / "u.o"
    subprocess.run(["gcc", "-fPIE", "-c", str(src), "-o", str(obj)], check=True, env=tool_env())
    for ld, out in (("-fuse-ld=bfd", "bfd"), (f"-B{braze_lddir}/", "test")):
        p = subprocess.run(["gcc", ld, "-static-pie", str(obj), "-o", str(tmp_path / out),
                            "-Wl,--unresolved-symbols=ignore-all"], capture_output=True, text=True, env=tool_env())
        assert p.returncode != 0, f"{out} linked it:\n{p.stderr}"
        assert not (tmp_path / out).exists()
    assert "missing_var" in p.stderr
