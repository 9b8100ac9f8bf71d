"""Options linked by ld.bfd AND by the linker under test from the same objects, compared on behaviour
(the programs' output) and on readelf's views (.dynsym, symbol versions, dynamic relocations and
tags, via test_opt_exports.assert_same).

bfd's built-in dynamic lists: --dynamic-list-data (every data object is listed),
--dynamic-list-cpp-typeinfo (`typeinfo for*`, `typeinfo name for*`) and --dynamic-list-cpp-new
(`operator new*`, `operator delete*`). Each acts as a --dynamic-list: an executable exports what it
lists, and in -shared only listed symbols stay preemptible (the rest bind locally)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
from test_opt_exports import LINKERS, SRC as EXPORTS_SRC, Build, assert_same, dynsyms, run

CSRC = Path(__file__).resolve().parent / "c"

BUILTIN_LISTS = {
    "data": ["-Wl,--dynamic-list-data"],
    "typeinfo": ["-Wl,--dynamic-list-cpp-typeinfo"],
    "new": ["-Wl,--dynamic-list-cpp-new"],
    "new-and-data": ["-Wl,--dynamic-list-cpp-new", "-Wl,--dynamic-list-data"],
    "data-cancels-symbolic": ["-Wl,-Bsymbolic", "-Wl,--dynamic-list-data"],
    "typeinfo-with-list": ["-Wl,--dynamic-list-cpp-typeinfo", f"-Wl,--dynamic-list={EXPORTS_SRC / 'bind.list'}"],
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("moreopts"), braze_lddir)


def _cxx_obj(build: Build, *flags: str) -> Path:
    out = build.root / ("cxx" + "".join(f.strip("-").replace("=", "") for f in flags) + ".o")
    if not out.exists():
        build.run(["g++", "-c", "-O2", *flags, CSRC / "moreopts_cxx.cc", "-o", out])
    return out


@pytest.mark.parametrize("variant", sorted(BUILTIN_LISTS))
def test_builtin_dynamic_lists_bind_like_bfd(build, variant):
    """-shared: which of the library's symbols its own code reaches (the host interposes them all)."""
    obj = build.obj("bind_lib.c", "-fPIC")
    out = {}
    for ln in LINKERS:
        lib = build.link(ln, f"bind-{variant}", "libbind.so", ["-shared", obj, *BUILTIN_LISTS[variant]])
        host = build.link("bfd", f"bind-{variant}-{ln}", "host",
                          [EXPORTS_SRC / "bind_host.c", lib, f"-Wl,-rpath,{lib.parent}"])
        out[ln] = (lib, run([host], host.parent))
    assert out["bfd"][1][0] == 0 and "bind_report" in out["bfd"][1][1], f"harness: {out['bfd'][1]}"
    assert out["test"][1] == out["bfd"][1]
    assert_same(out["bfd"][0], out["test"][0], what=variant)


@pytest.mark.parametrize("mode", ["-shared", "-pie", "-no-pie"])
@pytest.mark.parametrize("variant", sorted(BUILTIN_LISTS))
def test_builtin_dynamic_lists_cxx(build, variant, mode):
    """C++ typeinfo, operator new/delete and data objects: what each list exports, in a library
    and in executables (which then run alike)."""
    obj = _cxx_obj(build, "-fPIC") if mode == "-shared" else \
        _cxx_obj(build, "-DWITH_MAIN", "-fPIE" if mode == "-pie" else "-fno-pie")
    name = "libcxx.so" if mode == "-shared" else "cxx"
    outs = {ln: build.link(ln, f"cxx-{variant}{mode}", name, [mode, obj, *BUILTIN_LISTS[variant]], cxx=True)
            for ln in LINKERS}
    names = {"counter", "table", "plain_fn", "cxx_report", "_ZTI7Derived", "_ZTS7Derived", "_Znwm", "_ZdlPv"}
    assert {e[0] for e in dynsyms(outs["bfd"])} & names, "harness: bfd exported none of them"
    assert_same(outs["bfd"], outs["test"], names, f"{variant} {mode}")
    if mode != "-shared":
        assert run([outs["test"]], outs["test"].parent) == run([outs["bfd"]], outs["bfd"].parent)


# ------------------------------------------------------------------ --ignore-unresolved-symbol

IGNORE_ALL = ["-Wl,--ignore-unresolved-symbol,missing_fn", "-Wl,--ignore-unresolved-symbol=missing_data",
              "-Wl,--ignore-unresolved-symbol", "-Wl,other_missing"]
UNRES = {"missing_fn", "missing_data", "other_missing"}


def _unres_obj(build: Build, flag: str) -> Path:
    out = build.root / f"unres{flag}.o"
    if not out.exists():
        build.run(["gcc", "-c", "-O2", flag, CSRC / "moreopts_unres.c", "-o", out])
    return out


@pytest.mark.parametrize("mode,cflag", [("-no-pie", "-fno-pie"), ("-no-pie", "-fPIC"), ("-static", "-fno-pie")])
def test_ignore_unresolved_symbol_executables(build, mode, cflag):
    """All three undefined symbols ignored: the link succeeds, they are bound to 0 (the program
    prints their addresses) and neither .dynsym nor .symtab lists them, as with bfd."""
    obj = _unres_obj(build, cflag)
    exes = {ln: build.link(ln, f"unres{mode}{cflag}", "exe", [mode, obj, *IGNORE_ALL]) for ln in LINKERS}
    ref = run([exes["bfd"]], exes["bfd"].parent)
    assert ref[0] == 0 and ref[1] == "0 0\n", f"harness: {ref}"
    assert run([exes["test"]], exes["test"].parent) == ref
    assert_same(exes["bfd"], exes["test"], UNRES, f"{mode} {cflag}")


@pytest.mark.parametrize("mode", ["-no-pie", "-shared-zdefs"])
def test_ignore_unresolved_symbol_only_the_named(build, mode):
    """One symbol ignored: the others are still errors (each linker names them, not the ignored one)."""
    flags = ["-shared", "-Wl,-z,defs"] if mode == "-shared-zdefs" else ["-no-pie"]
    obj = _unres_obj(build, "-fPIC")
    for ln in LINKERS:
        p = build.link(ln, f"unres-one{mode}", "out", [*flags, obj, "-Wl,--ignore-unresolved-symbol=missing_fn"],
                       check=False)
        assert not isinstance(p, Path), f"{ln}: the link should fail"
        assert "missing_data" in p.stderr and "other_missing" in p.stderr and "missing_fn" not in p.stderr, \
            f"{ln}: {p.stderr}"
        assert not (build.root / ln / f"unres-one{mode}" / "out").exists()


def test_ignore_unresolved_symbol_shared_zdefs(build):
    """-shared -z defs: ignored names stay dynamic undefined symbols, as bfd writes them."""
    obj = _unres_obj(build, "-fPIC")
    libs = {ln: build.link(ln, "unres-shared", "libu.so", ["-shared", "-Wl,-z,defs", obj, *IGNORE_ALL])
            for ln in LINKERS}
    assert {e[0] for e in dynsyms(libs["bfd"])} & UNRES, "harness: bfd exported none of them"
    assert_same(libs["bfd"], libs["test"], UNRES, "-shared -z defs")


def test_ignore_unresolved_symbol_in_a_library_reference(build):
    """An executable linked against a library that references undefined symbols: bfd reports each
    unless ignored; ignoring all of them lets both link, and the programs run alike."""
    obj = _unres_obj(build, "-fPIC")
    lib = build.link("bfd", "unres-dso", "libu.so", ["-shared", obj])
    main = build.root / "unres_dso_main.c"
    main.write_text("#include <stdio.h>\nint main(void) { puts(\"main\"); return 0; }\n")
    for ln in LINKERS:
        p = build.link(ln, "unres-dso-one", "exe", [main, "-Wl,--no-as-needed", lib,
                                                    "-Wl,--ignore-unresolved-symbol=missing_fn"], check=False)
        assert not isinstance(p, Path) and "missing_data" in p.stderr and "`missing_fn'" not in p.stderr, \
            f"{ln}: {p if isinstance(p, Path) else p.stderr}"
    exes = {ln: build.link(ln, "unres-dso-all", "exe", [main, "-Wl,--no-as-needed", lib, *IGNORE_ALL])
            for ln in LINKERS}
    assert_same(exes["bfd"], exes["test"], (), "library references")


@pytest.mark.parametrize("mode,cflag", [("-pie", "-fPIE"), ("-static-pie", "-fPIE")])
def test_ignore_unresolved_symbol_in_pie_is_refused(build, mode, cflag):
    """In a PIE bfd 2.40 fails (-static-pie) or writes R_X86_64_NONE into .rela.plt, which the dynamic
    loader rejects; braze refuses the link with a clear error and leaves no output."""
    obj = _unres_obj(build, cflag)
    ref = build.link("bfd", f"unres{mode}", "exe", [mode, obj, *IGNORE_ALL], check=False)
    if isinstance(ref, Path):
        code, _out, err = run([ref], ref.parent)
        assert code != 0 and "unexpected PLT reloc type" in err, f"harness: bfd's PIE ran: {code} {err}"
    p = build.link("test", f"unres{mode}", "exe", [mode, obj, *IGNORE_ALL], check=False)
    assert not isinstance(p, Path) and "--ignore-unresolved-symbol" in p.stderr and "not supported" in p.stderr \
        and "Traceback" not in p.stderr, p
    assert not (build.root / "test" / f"unres{mode}" / "exe").exists()


# ------------------------------------------------------------------ -z start-stop-visibility / start-stop-gc

SS_NAMES = {"__start_myset", "__stop_myset"}


def _c_obj(build: Build, src: str, *flags: str) -> Path:
    out = build.root / (Path(src).stem + "".join(f.strip("-").replace("=", "") for f in flags) + ".o")
    if not out.exists():
        build.run(["gcc", "-c", "-O2", *flags, CSRC / src, "-o", out])
    return out


@pytest.mark.parametrize("mode", ["-shared", "-pie", "-no-pie"])
@pytest.mark.parametrize("vis", ["default", "internal", "hidden", "protected"])
def test_start_stop_visibility(build, vis, mode):
    """The __start_/__stop_ symbols' visibility and binding in .dynsym and .symtab (bfd keeps even
    hidden ones GLOBAL, and in .dynsym of a library), relocations, and the programs' output."""
    if mode == "-shared":
        obj = _c_obj(build, "moreopts_startstop.c", "-fPIC")
    else:
        obj = _c_obj(build, "moreopts_startstop.c", "-DWITH_MAIN", "-fPIE" if mode == "-pie" else "-fno-pie")
    name = "libss.so" if mode == "-shared" else "ss"
    outs = {ln: build.link(ln, f"ss-{vis}{mode}", name, [mode, obj, f"-Wl,-z,start-stop-visibility={vis}"])
            for ln in LINKERS}
    assert_same(outs["bfd"], outs["test"], SS_NAMES, f"{vis} {mode}")
    if mode != "-shared":
        ref = run([outs["bfd"]], outs["bfd"].parent)
        assert ref[0] == 0 and ref[1] == "2\n", f"harness: {ref}"
        assert run([outs["test"]], outs["test"].parent) == ref


def test_start_stop_visibility_bad_value(build):
    obj = _c_obj(build, "moreopts_startstop.c", "-fPIC")
    errs = {}
    for ln in LINKERS:
        p = build.link(ln, "ss-bad", "libss.so", ["-shared", obj, "-Wl,-z,start-stop-visibility=public"], check=False)
        assert not isinstance(p, Path), f"{ln} accepted a bad visibility"
        errs[ln] = next(l for l in p.stderr.splitlines() if "invalid visibility" in l).split(": ", 1)[1]
    # (bfd's message has no newline: gcc's collect2 line follows on the same line)
    assert errs["test"].removeprefix("error: ") == errs["bfd"].split("collect2:")[0]


def _section_sizes(path: Path, names) -> dict:
    out = {}
    for line in subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True).stdout.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 6 and f[1] in names:
            out[f[1]] = int(f[5], 16)
    return out


@pytest.mark.parametrize("mode,cflag", [("-no-pie", "-fno-pie"), ("-pie", "-fPIE")])
@pytest.mark.parametrize("z", [[], ["-Wl,-z,start-stop-gc"], ["-Wl,-z,start-stop-gc", "-Wl,-z,nostart-stop-gc"],
                               ["-Wl,-z,nostart-stop-gc"]], ids=["default", "gc", "gc-then-nogc", "nogc"])
def test_start_stop_gc(build, z, mode, cflag):
    """--gc-sections: whether a __start_/__stop_ reference keeps the other object's keepset (the
    programs print the set's size) and the output section's size, as bfd."""
    objs = [_c_obj(build, "moreopts_ssgc_main.c", cflag), _c_obj(build, "moreopts_ssgc_more.c", cflag,
                                                                 "-ffunction-sections")]
    tag = "-".join(a.rsplit(",", 1)[-1] for a in z) or "none"
    exes = {ln: build.link(ln, f"ssgc-{tag}{mode}", "exe", [mode, "-Wl,--gc-sections", *objs, *z]) for ln in LINKERS}
    ref = run([exes["bfd"]], exes["bfd"].parent)
    assert ref[0] == 0, f"harness: {ref}"
    assert run([exes["test"]], exes["test"].parent) == ref
    assert _section_sizes(exes["test"], {"keepset"}) == _section_sizes(exes["bfd"], {"keepset"})


def test_start_stop_gc_collecting_the_whole_set_is_refused(build):
    """Every section of the set collected while a kept reference names __start_/__stop_: ld.bfd 2.40
    fails (an assertion, then a crash); braze refuses with a clear error and leaves no output."""
    obj = _c_obj(build, "moreopts_ssgc_only.c", "-fno-pie")
    args = ["-no-pie", "-Wl,--gc-sections", "-Wl,-z,start-stop-gc", obj]
    ref = build.link("bfd", "ssgc-only", "exe", args, check=False)
    assert not isinstance(ref, Path), "harness: bfd linked it"
    p = build.link("test", "ssgc-only", "exe", args, check=False)
    assert not isinstance(p, Path) and "start-stop-gc" in p.stderr and "onlyset" in p.stderr \
        and "Traceback" not in p.stderr, p
    assert not (build.root / "test" / "ssgc-only" / "exe").exists()
    # without -z start-stop-gc the references keep the set, as in bfd
    exes = {ln: build.link(ln, "ssgc-only-default", "exe", args[:2] + [obj]) for ln in LINKERS}
    assert run([exes["test"]], exes["test"].parent) == run([exes["bfd"]], exes["bfd"].parent)


# ------------------------------------------------------------------ writable code, --[no-]warn-rwx-segments

def _segment_view(path: Path) -> list:
    """Each program header's type and flags, the section-to-segment mapping, and the sections'
    flags (readelf -l / -S)."""
    env = tool_env()
    text = subprocess.run(["readelf", "-W", "-l", str(path)], capture_output=True, text=True, env=env).stdout
    heads = [(f[0], line[line.rindex("0x") - 4:line.rindex("0x")].strip()) for line in text.splitlines()
             if re.match(r"\s+[A-Z][A-Z_]+\s+0x", line) for f in [line.split()]]
    mapping = [line.split(None, 1)[1:] for line in text.split("Section to Segment mapping:")[1].splitlines()[2:]]
    secs = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, env=env).stdout
    flags = sorted(re.sub(r"\[\s*\d+\]", "", line).split()[0] + " " + line[line.index("]") + 1:].split()[6]
                   for line in secs.splitlines() if re.match(r"\s+\[\s*\d+\] \.", line)
                   and len(line[line.index("]") + 1:].split()) > 9)
    return [heads, mapping, flags]


def _warnings(stderr: str, out: Path) -> list[str]:
    return [re.sub(r"^\S+?: ", "", l).replace(str(out), "OUT") for l in stderr.splitlines() if "warning:" in l]


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-shared", "-static", "-znoseparate-code"])
def test_writable_code_section_layout(build, mode):
    """The section goes with the data, its LOAD segment is RWX (the program runs code from it), and
    both linkers warn alike."""
    cflag = {"-pie": "-fPIE", "-shared": "-fPIC", "-znoseparate-code": "-fPIE"}.get(mode, "-fno-pie")
    obj = _c_obj(build, "moreopts_wx.c", cflag, *(["-DWITH_MAIN"] if mode != "-shared" else []))
    args = ["-Wl,-z,noseparate-code"] if mode == "-znoseparate-code" else [mode]
    name = "libwx.so" if mode == "-shared" else "wx"
    outs, warns = {}, {}
    for ln in LINKERS:
        d = build.root / ln / f"wx{mode}"
        d.mkdir(parents=True, exist_ok=True)
        p = build.run(["gcc", *build.ld(ln), *args, obj, "-o", d / name], cwd=d)
        outs[ln] = d / name
        warns[ln] = _warnings(p.stderr, d / name)
    assert warns["bfd"] == ["warning: OUT has a LOAD segment with RWX permissions"], f"harness: {warns['bfd']}"
    assert warns["test"] == warns["bfd"]
    assert _segment_view(outs["test"]) == _segment_view(outs["bfd"])
    if mode != "-shared":
        ref = run([outs["bfd"]], outs["bfd"].parent)
        assert ref == (0, "427\n", ""), f"harness: {ref}"
        assert run([outs["test"]], outs["test"].parent) == ref


@pytest.mark.parametrize("flags", [["-Wl,--no-warn-rwx-segments"], ["-Wl,--no-warn-rwx-segments", "-Wl,--warn-rwx-segments"],
                                   ["-Wl,-w"], ["-Wl,--fatal-warnings"], ["-Wl,-w", "-Wl,--fatal-warnings"],
                                   ["-Wl,--no-warn-rwx-segments", "-Wl,--fatal-warnings"]],
                         ids=["off", "off-on", "w", "fatal", "w-fatal", "off-fatal"])
def test_warn_rwx_segments_options(build, flags):
    """Whether the RWX warning shows (-w does not silence it: bfd's library prints it) and whether
    --fatal-warnings then fails the link: the same for both linkers."""
    obj = _c_obj(build, "moreopts_wx.c", "-fPIE", "-DWITH_MAIN")
    res = {}
    for ln in LINKERS:
        d = build.root / ln / ("wxw" + "".join(flags).replace(",", "").replace("-", ""))
        d.mkdir(parents=True, exist_ok=True)
        p = build.run(["gcc", *build.ld(ln), obj, *flags, "-o", d / "wx"], cwd=d, check=False)
        res[ln] = (p.returncode == 0, (d / "wx").exists(), _warnings(p.stderr, d / "wx"))
    assert res["test"] == res["bfd"]


# ------------------------------------------------------------------ incompatible libraries in the search path

@pytest.fixture(scope="module")
def mismatch_dirs(build) -> Path:
    """l32/ holds a 32-bit libfoo.so and libbar.a (i386), l64/ the x86-64 ones; main.c calls foo."""
    root = build.root / "mismatch"
    if not root.exists():
        (root / "l32").mkdir(parents=True)
        (root / "l64").mkdir()
        (root / "foo.c").write_text("int foo(void) { return 3; }\n")
        (root / "main.c").write_text("int foo(void);\nint main(void) { return foo(); }\n")
        build.run(["gcc", "-m32", "-fPIC", "-c", root / "foo.c", "-o", root / "foo32.o"])
        build.run(["ld.bfd", "-m", "elf_i386", "-shared", root / "foo32.o", "-o", root / "l32" / "libfoo.so"])
        build.run(["ar", "rcs", root / "l32" / "libbar.a", root / "foo32.o"])
        build.run(["gcc", "-fPIC", "-c", root / "foo.c", "-o", root / "foo64.o"])
        build.run(["gcc", "-shared", root / "foo64.o", "-o", root / "l64" / "libfoo.so"])
        build.run(["ar", "rcs", root / "l64" / "libbar.a", root / "foo64.o"])
    return root


MISMATCH = {
    "so": ["-Ll32", "-Ll64", "-lfoo"],
    "archive": ["-Ll32", "-Ll64", "-Wl,-Bstatic", "-lbar", "-Wl,-Bdynamic"],
    "colon": ["-Ll32", "-Ll64", "-l:libfoo.so"],
    "colon-static": ["-Ll32", "-Ll64", "-Wl,-Bstatic", "-l:libbar.a", "-Wl,-Bdynamic"],
    "quiet": ["-Ll32", "-Ll64", "-lfoo", "-Wl,--no-warn-search-mismatch"],
    "w": ["-Ll32", "-Ll64", "-lfoo", "-Wl,-w"],
    "fatal": ["-Ll32", "-Ll64", "-lfoo", "-Wl,--fatal-warnings"],
    "quiet-fatal": ["-Ll32", "-Ll64", "-lfoo", "-Wl,--no-warn-search-mismatch", "-Wl,--fatal-warnings"],
    "none-left": ["-Ll32", "-lfoo", "-Wl,--no-warn-search-mismatch"],
}


@pytest.mark.parametrize("variant", sorted(MISMATCH))
def test_incompatible_library_skipped(build, mismatch_dirs, variant):
    """bfd skips the 32-bit library, says so (without `warning:`, yet -w silences it and
    --fatal-warnings fails the link) unless --no-warn-search-mismatch, and links the x86-64 one."""
    res = {}
    for ln in LINKERS:
        out = mismatch_dirs / f"{ln}-{variant}"
        p = build.run(["gcc", *build.ld(ln), "main.c", *MISMATCH[variant],
                       f"-Wl,-rpath,{mismatch_dirs / 'l64'}", "-o", out], cwd=mismatch_dirs, check=False)
        msgs = [re.sub(r"^\S+?: ", "", l) for l in p.stderr.splitlines() if "skipping" in l]
        code = run([out], mismatch_dirs)[0] if p.returncode == 0 else None
        res[ln] = (p.returncode == 0, out.exists(), msgs, code)
    assert res["test"] == res["bfd"]
