"""LTO through the compiler's linker plugin (braze's plugin.py), against ld.bfd loading the same
plugin: the project's programs compiled with `gcc -flto -O2` (archives made by gcc-ar, C++
exceptions, TLS, weak symbols, constructors), mixed IR and regular objects, a `-flto -shared`
library with a version script, fat objects with and without the plugin, clang's LLVMgold.so,
--defsym/--wrap/--gc-sections/-E, the library-init entry, and the errors (a plugin that cannot
be loaded, IR without a plugin, a plugin that fails).

What is compared: the programs' behaviour (stdout, stderr, exit status), and the symbols of the
outputs: which global symbols are defined (what the plugin kept, i.e. the resolutions braze
reported: an IR-only symbol bfd lets the compiler internalize must be internalized with braze too,
and one a regular object or the dynamic symbol table needs must survive) and the .dynsym entries
(name@version, type, binding, visibility, defined)."""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import (bfd_link, compile_case, get_case, link_case, need_tool, run_program, sh,
                     tool_env)
from test_shared import dynsyms, entry_report, run

C = Path(__file__).resolve().parent / "c"
SHLIB = Path(__file__).resolve().parent / "shlib"
GCC_PLUGIN = "/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so"
LLVM_PLUGIN = "/usr/lib/llvm-14/lib/LLVMgold.so"
LINKERS = ("bfd", "test")

# The project's programs, compiled -flto -O2 (objects and archive members are IR only).
PROGRAMS = [
    # C: constructors, weak, TLS (every model), commons in archives, archives (chained, thin,
    # grouped, whole), a shared library, --wrap and --defsym cases, IFUNC, start/stop symbols
    "ctor_dtor", "weak", "tls_basic", "tls_extern", "tls_models", "bss_globals", "funcptr_table",
    "qsort_callbacks", "printf_double", "errno_stdio", "string_merge", "multi_object", "setjmp_longjmp",
    "archive_chain", "archive_chain_thin", "archive_group", "whole_archive", "common_archive", "shlib",
    "wrap", "defsym", "ifunc", "section_startstop", "math_lm", "func_addr",
    # C++: exceptions (also across objects and through C), COMDAT templates, thread_local,
    # init_priority, iostream, RTTI, vtables, containers, STB_GNU_UNIQUE, legacy .ctors
    "cxx_eh_comdat", "cxx_eh_across", "cxx_eh_empty_fde", "cxx_comdat_templates", "cxx_thread_local",
    "cxx_init_priority", "cxx_iostream", "cxx_rtti", "cxx_vtables", "cxx_containers", "cxx_gnu_unique",
    "cxx_atexit",
]
NOPIE = {"tls_models", "cxx_eh_comdat", "archive_chain", "ctor_dtor"}
STATIC = {"tls_basic", "ctor_dtor", "cxx_eh_comdat"}      # -static (glibc's libc.a), also through the plugin


def lto_case(name: str):
    base = get_case(name)
    return dataclasses.replace(base, name=f"lto-{name}", src=base.src or name,
                               cflags=("-flto", *base.cflags), ldflags=("-flto", *base.ldflags),
                               obj_expect={}, modes=None)


def defined_globals(exe) -> set:
    """(name, nm type letter) of the global symbols an output defines (.symtab)."""
    p = subprocess.run(["nm", "-g", "--defined-only", str(exe)], capture_output=True, text=True,
                       env=tool_env())
    assert p.returncode == 0, p.stderr
    return {tuple(line.split()[1:3]) for line in p.stdout.splitlines() if len(line.split()) >= 3}


def same_symbols(ref, got, what=""):
    a, b = defined_globals(ref), defined_globals(got)
    assert a == b, (f"{what}defined global symbols differ from bfd's (a resolution differs):\n"
                    f" only bfd:  {sorted(a - b)}\n only test: {sorted(b - a)}")
    da, db = dynsyms(ref), dynsyms(got)
    assert da == db, f"{what}.dynsym differs:\n only bfd:  {sorted(da - db)}\n only test: {sorted(db - da)}"
    na, nb = needed(ref), needed(got)
    assert na == nb, f"{what}DT_NEEDED differs: bfd {na}, test {nb}"


def needed(exe) -> list:
    """The DT_NEEDED names, in order."""
    out = subprocess.run(["readelf", "-dW", str(exe)], capture_output=True, text=True, env=tool_env()).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", out)


@pytest.mark.parametrize("name,mode", [(n, "pie") for n in PROGRAMS] + [(n, "nopie") for n in sorted(NOPIE)]
                         + [(n, "static") for n in sorted(STATIC)],
                         ids=lambda v: v)
def test_lto_program(name, mode, store, braze_lddir, under_test_label, tmp_path):
    case = lto_case(name)
    objdir = compile_case(store, case, mode)
    some = next(objdir.glob("*.o"))
    assert ".gnu.lto_" in subprocess.run(["readelf", "-SW", str(some)], capture_output=True, text=True).stdout, \
        f"harness: {some} is not an LTO IR object"
    ref = bfd_link(store, case, mode)
    got = link_case(store, case, mode, braze_lddir, under_test_label)
    assert got.ok, "the LTO link with the linker under test failed\n" + got.describe("under test")
    r_ref = run_program(ref.exe, case, tmp_path / "run-bfd")
    r_got = run_program(got.exe, case, tmp_path / "run-test")
    assert r_ref.stdout and r_ref.returncode >= 0, "harness: bfd's program\n" + r_ref.describe("bfd")
    assert (r_ref.returncode, r_ref.stdout, r_ref.stderr) == (r_got.returncode, r_got.stdout, r_got.stderr), \
        (ref.describe("bfd") + got.describe("under test") + r_ref.describe("bfd") + r_got.describe("under test"))
    same_symbols(ref.exe, got.exe)


# --------------------------------------------------------------------------------------- helpers

class Build:
    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir
        root.mkdir(parents=True, exist_ok=True)

    def run(self, cmd, cwd=None, check=True):
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=600)
        if check:
            assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p

    def obj(self, src: Path, *flags: str, name: str | None = None, cc: str | None = None) -> Path:
        out = self.root / (name or (src.stem + ".o"))
        if not out.exists():
            cc = cc or ("g++" if src.suffix == ".cc" else "gcc")
            self.run([cc, "-c", "-O2", f"-I{src.parent}", *flags, src, "-o", out])
        return out

    def ld(self, linker: str, driver: str) -> list[str]:
        if linker == "bfd":
            return ["-fuse-ld=bfd"]
        return [f"-B{self.lddir}/"] + (["-fuse-ld=ld"] if "clang" in driver else [])

    def link(self, linker: str, out: str, inputs, *flags: str, driver="gcc", check=True):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        path = d / out
        if path.exists():
            path.unlink()
        p = self.run([driver, *self.ld(linker, driver), *map(str, inputs), *flags, "-o", path], cwd=d,
                     check=check)
        return path if p.returncode == 0 else p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("lto"), braze_lddir)


def both(build, out, inputs, *flags, driver="gcc", args=(), env=None):
    """Link with bfd and with the linker under test; run both; same behaviour and symbols."""
    res, exes = {}, {}
    for linker in LINKERS:
        exe = build.link(linker, out, inputs, *flags, driver=driver)
        exes[linker] = exe
        res[linker] = run([exe, *args], env=env)
    assert res["bfd"][0] == 0 and res["bfd"][1], f"harness: bfd's program: {res['bfd']}"
    assert res["test"] == res["bfd"], f"behaviour differs:\n bfd:  {res['bfd']}\n test: {res['test']}"
    same_symbols(exes["bfd"], exes["test"], f"{out}: ")
    return exes, res["bfd"]


# --------------------------------------------------------------------------------- mixed, archives

def test_mixed_lto_and_regular_objects(build):
    """Regular code calls into the IR and the IR into regular code; a symbol referenced only from the
    regular object must be PREVAILING_DEF (kept), one referenced only from IR may be internalized,
    a weak IR definition loses to the regular strong one."""
    plain = build.obj(C / "lto_mixed/main_plain.c", "-fPIE")
    a = build.obj(C / "lto_mixed/ir_a.c", "-fPIE", "-flto")
    b = build.obj(C / "lto_mixed/ir_b.c", "-fPIE", "-flto")
    exes, (_rc, out, _err) = both(build, "mixed", [plain, a, b], "-flto", "-O2")
    assert "used " in out and "overridden 100" in out, out
    syms = {n for _t, n in defined_globals(exes["test"])}
    assert "lto_used_from_plain" in syms and "ir_only_global" not in syms, sorted(syms)
    # the same objects in another order (the IR first: the plugin's objects take its place)
    both(build, "mixed2", [a, plain, b], "-flto", "-O2")


def test_gcc_ar_archive_of_ir_members(build):
    """An archive built with gcc-ar (its index lists the IR symbols): members are extracted by the
    index, offered to the plugin with their offset in the archive, and a member's IR can create
    references that extract further members."""
    srcs = sorted((C / "archive_chain").glob("*.c"))
    objs = {s.stem: build.obj(s, "-fPIE", "-flto", name=f"chain_{s.stem}.o") for s in srcs}
    ar = build.root / "libchain_lto.a"
    if ar.exists():
        ar.unlink()
    build.run(["gcc-ar", "rcs", ar, *(objs[m] for m in ("c", "unused", "b", "a"))])
    both(build, "chain", [objs["main"], ar], "-flto", "-O2")
    # the members' IR also linked from a regular (non-LTO) main
    plain_main = build.obj(C / "archive_chain/main.c", "-fPIE", name="chain_main_plain.o")
    both(build, "chain_plainmain", [plain_main, ar], "-flto", "-O2")


def test_shared_library_with_version_script(build):
    """-flto -shared with a version script: the same exported symbols, versions and behaviour."""
    lib_o = build.obj(C / "lto_lib/lib.c", "-fPIC", "-flto")
    libs = {}
    for linker in LINKERS:
        libs[linker] = build.link(linker, "libltolib.so", [lib_o], "-shared", "-flto", "-O2",
                                  f"-Wl,--version-script={C / 'lto_lib/lib.map'}")
    da, db = dynsyms(libs["bfd"]), dynsyms(libs["test"])
    assert da == db, f".dynsym differs:\n only bfd:  {sorted(da - db)}\n only test: {sorted(db - da)}"
    names = {n.split("@")[0] for n, *_r in db}
    assert {"api_add", "api_mul", "api_value", "api_weak"} <= names and "not_exported" not in names, names
    host = build.obj(C / "lto_lib/host.c", "-fPIE")
    res = {}
    for linker in LINKERS:
        exe = build.link(linker, "ltolib_host", [host, libs[linker]], f"-Wl,-rpath,{libs[linker].parent}")
        res[linker] = run([exe])
    assert res["bfd"][0] == 0 and res["test"] == res["bfd"], res


def test_shared_library_export_all(build):
    """-flto -shared without a version script: every global is exported (PREVAILING_DEF_IRONLY_EXP,
    never internalized)."""
    lib_o = build.obj(C / "lto_lib/lib.c", "-fPIC", "-flto")
    libs = {linker: build.link(linker, "libltoall.so", [lib_o], "-shared", "-flto", "-O2") for linker in LINKERS}
    da, db = dynsyms(libs["bfd"]), dynsyms(libs["test"])
    assert da == db, f".dynsym differs:\n only bfd:  {sorted(da - db)}\n only test: {sorted(db - da)}"
    assert any(n == "not_exported" for n, *_r in db)


# ----------------------------------------------------------------------------------- fat objects

@pytest.mark.parametrize("how", ["plugin", "no-flto-at-link", "no-use-linker-plugin", "collect2-lto"])
def test_fat_objects(build, how):
    """-ffat-lto-objects: claimed by the plugin (gcc passes it on every link), or linked as regular
    objects when gcc does not use the plugin (-fno-use-linker-plugin), or LTO'd by collect2."""
    objs = [build.obj(s, "-fPIE", "-flto", "-ffat-lto-objects", name=f"fat_{s.stem}.o")
            for s in sorted((C / "multi_object").glob("*.c"))]
    flags = {"plugin": ["-flto"], "no-flto-at-link": [], "no-use-linker-plugin": ["-fno-use-linker-plugin"],
             "collect2-lto": ["-flto", "-fno-use-linker-plugin"]}[how]
    both(build, f"fat-{how}", objs, "-O2", *flags)


# ----------------------------------------------------------------------------------------- clang

CLANG_PROGRAMS = ["multi_object", "ctor_dtor", "tls_basic", "weak", "archive_chain"]


@pytest.mark.parametrize("name", CLANG_PROGRAMS)
def test_clang_lto_with_llvmgold(build, name):
    """clang -flto: LLVM bitcode objects (and an llvm-ar archive of them) through LLVMgold.so, which
    both linkers load (clang passes -plugin)."""
    clang = need_tool("clang-14")
    assert os.path.exists(LLVM_PLUGIN), f"{LLVM_PLUGIN} missing (Makefile APT_PKGS: llvm-14-linker-tools)"
    base = get_case(name)
    root = C / (base.src or name)
    srcs = sorted(root.glob("*.c")) if root.is_dir() else [root.with_suffix(".c")]
    objs = [build.obj(s, "-fPIE", "-flto", f"-I{root if root.is_dir() else root.parent}",
                      name=f"clang_{name}_{s.stem}.o", cc=clang) for s in srcs]
    assert subprocess.run(["file", str(objs[0])], capture_output=True, text=True).stdout.find("bitcode") > 0
    inputs = list(objs)
    if base.archives:
        ar = build.root / f"clang_{name}.a"
        members = [o for o in objs if any(o.stem.endswith("_" + m) for a in base.archives for m in a.members)]
        if ar.exists():
            ar.unlink()
        build.run([need_tool("llvm-ar-14"), "rcs", ar, *members])
        inputs = [o for o in objs if o not in members] + [ar]
    both(build, f"clang-{name}", inputs, "-flto", "-O2", *base.ldflags, driver=clang, args=base.args)


# ---------------------------------------------------------------- options that meet the resolutions

@pytest.mark.parametrize("variant", ["wrap-defsym", "gc-sections", "export-dynamic"])
def test_options_with_lto(build, variant):
    """--wrap (the wrapper and the real function both defined in IR), --defsym naming an IR function
    nothing else references, --gc-sections (-ffunction-sections), -E."""
    flags = ["-fPIE"] + (["-ffunction-sections", "-fdata-sections"] if variant == "gc-sections" else [])
    # main.c is a regular object in the first variant: its call to compute() goes to the IR's
    # __wrap_compute, which calls the IR's compute as __real_compute (inside one IR module gcc binds
    # the call itself, with bfd as with braze: no wrapping there)
    objs = [build.obj(C / f"lto_opts/{s}.c", *flags, *([] if (s, variant) == ("main", "wrap-defsym") else ["-flto"]),
                      name=f"opts_{variant}_{s}.o") for s in ("main", "impl")]
    ld = ["-flto", "-O2", "-Wl,--wrap=compute", "-Wl,--defsym=alias_fn=real_fn"]
    if variant == "gc-sections":
        ld.append("-Wl,--gc-sections")
    if variant == "export-dynamic":
        ld.append("-Wl,-E")
    exes, (_rc, out, _e) = both(build, f"opts-{variant}", objs, *ld)
    assert "alias 1001" in out and ("wrapped(" in out) == (variant == "wrap-defsym"), out
    if variant == "export-dynamic":
        assert any(n == "unused_fn" for n, *_r in dynsyms(exes["test"])), "-E: IR definitions stay exported"


def test_export_dynamic_callback_from_plugin(build):
    """-E with an IR executable: a dlopened library calls a function the executable's own code never
    uses (the IR must not drop it: PREVAILING_DEF_IRONLY_EXP)."""
    plugin = build.obj(SHLIB / "plugin.c", "-fPIC")
    libs = {}
    for linker in LINKERS:
        libs[linker] = build.link(linker, "plugin.so", [plugin], "-shared")
    host = build.obj(SHLIB / "plugin_host.c", "-fPIE", "-flto", name="lto_plugin_host.o")
    res = {}
    for linker in LINKERS:
        exe = build.link(linker, "plugin_host", [host], "-flto", "-O2", "-Wl,-E", "-ldl")
        res[linker] = run([exe, libs["bfd"]])
    assert res["bfd"] == (0, "plugin_run -> 84\n", ""), f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]


_DYNLIST_IMPL = """
int d1 = 5;
int c1;
int e1(void) { return 71; }
int e2(void) { return 3; }
"""
_DYNLIST_MAIN = """
#define _GNU_SOURCE 1
#include <stdio.h>
#include <dlfcn.h>
extern int d1, c1;
int e1(void); int e2(void);
int main(void) {
    const char *n[] = {"e1", "e2", "d1", "c1"};
    for (int i = 0; i < 4; i++)
        printf("dlsym(%s) %s\\n", n[i], dlsym(RTLD_DEFAULT, n[i]) ? "found" : "NOT found");
    printf("%d\\n", e1() + e2() + d1 + c1);
    return 0;
}
"""
DYNLIST_VARIANTS = {
    "dynamic-list": ["-Wl,--dynamic-list={d}/e1.dyn"],
    "dynamic-list-nopie": ["-no-pie", "-Wl,--dynamic-list={d}/e1.dyn"],
    "two-dynamic-lists": ["-Wl,--dynamic-list={d}/e1.dyn,--dynamic-list={d}/e2.dyn"],
    "dynamic-list-data": ["-Wl,--dynamic-list-data"],
    "dynamic-list-and-data": ["-Wl,--dynamic-list-data,--dynamic-list={d}/e1.dyn"],
    "export-dynamic-symbol": ["-Wl,--export-dynamic-symbol=e1"],
    "export-dynamic-symbol-glob": ["-Wl,--export-dynamic-symbol=e*"],
    "export-dynamic-symbol-list": ["-Wl,--export-dynamic-symbol-list={d}/e2.dyn"],
    "dynamic-list-version-script-local": ["-Wl,--dynamic-list={d}/e1.dyn,--version-script={d}/local-e1.map"],
}


def _dynlist_sources(build) -> Path:
    d = build.root / "dynlist"
    d.mkdir(exist_ok=True)
    for name, text in (("impl.c", _DYNLIST_IMPL), ("main.c", _DYNLIST_MAIN), ("e1.dyn", "{ e1; };\n"),
                       ("e2.dyn", "{ e2; };\n"), ("local-e1.map", "{ global: *; local: e1; };\n"),
                       ("bad.dyn", "e1;\n")):
        (d / name).write_text(text)
    return d


@pytest.mark.parametrize("variant", sorted(DYNLIST_VARIANTS))
def test_dynamic_list_names_ir_definitions(build, variant):
    """An executable's dynamic list (--dynamic-list, --dynamic-list-data, --export-dynamic-symbol and
    its -list, which join the list in an executable) naming symbols defined in IR: bfd reports them
    visible from outside (PREVAILING_DEF_IRONLY_EXP) so GCC keeps them global and they reach .dynsym
    (dlsym finds them); with --dynamic-list-data an IR common counts as data, an IR definition (type
    unknown to the linker) does not; a version script's local: still wins."""
    d = _dynlist_sources(build)
    flags = ["-fPIE", "-flto", "-fcommon"]
    objs = [build.obj(d / f"{s}.c", *flags, name=f"dynlist_{s}.o") for s in ("main", "impl")]
    exes, (_rc, out, _e) = both(build, f"dynlist-{variant}", objs, "-flto", "-O2",
                                *(f.format(d=d) for f in DYNLIST_VARIANTS[variant]), "-ldl")
    assert out.endswith("79\n"), out
    if variant in ("dynamic-list", "export-dynamic-symbol"):
        assert "dlsym(e1) found" in out, out


@pytest.mark.parametrize("variant", ["dynamic-list", "export-dynamic-symbol"])
def test_shared_library_dynamic_list_with_lto(build, variant):
    """-shared with a dynamic list (or --export-dynamic-symbol) and IR objects: same .dynsym and
    symbols as bfd's."""
    d = _dynlist_sources(build)
    obj = build.obj(d / "impl.c", "-fPIC", "-flto", "-fcommon", name="dynlist_impl_pic.o")
    flag = f"-Wl,--dynamic-list={d}/e1.dyn" if variant == "dynamic-list" else "-Wl,--export-dynamic-symbol=e1"
    libs = [build.link(linker, f"libdynlist-{variant}.so", [obj], "-shared", "-flto", "-O2", flag)
            for linker in LINKERS]
    same_symbols(*libs, f"-shared {variant}: ")


@pytest.mark.parametrize("what", ["dynamic-list", "version-script"])
def test_bad_dynamic_list_with_lto_is_an_error(build, what):
    """A syntax error in the dynamic list or version script of an LTO link: an error from the linker
    (exit 1, no output), not a resolution the plugin cannot take (GCC's plugin aborts on one)."""
    d = _dynlist_sources(build)
    objs = [build.obj(d / f"{s}.c", "-fPIE", "-flto", "-fcommon", name=f"dynlist_{s}.o") for s in ("main", "impl")]
    (d / "bad.map").write_text("V { global: *; local: ;\n")
    flag = f"-Wl,--dynamic-list={d}/bad.dyn" if what == "dynamic-list" else f"-Wl,-E,--version-script={d}/bad.map"
    for linker in LINKERS:
        p = build.link(linker, f"bad-{what}", objs, "-flto", "-O2", flag, check=False)
        assert not isinstance(p, Path), f"{linker}: the link succeeded"
        assert "syntax error" in p.stderr and "Assertion" not in p.stderr and "signal" not in p.stderr, \
            f"{linker}: {p.stderr}"
        # the kind of file is named: bfd's "syntax error in dynamic list" / "... in VERSION script"
        assert f"syntax error in {what.replace('-', ' ')}" in p.stderr.lower(), f"{linker}: {p.stderr}"
        assert "Traceback" not in p.stderr and not (build.root / linker / f"bad-{what}").exists()


# ---------------------------------------------------------------------------- library-init entry

def test_init_entry_with_lto_objects(build):
    """braze's library-init entry defined in IR: the entry survives LTO (braze reports it as
    referenced from outside the IR) and runs once at load, exactly as from a regular object."""
    ref_lib = build.link("test", "libentry_plain.so", [build.obj(SHLIB / "entry.c", "-fPIC",
                                                                  "-DENTRY=_rt0_amd64_linux_lib",
                                                                  name="entry_plain.o")], "-shared")
    obj = build.obj(SHLIB / "entry.c", "-fPIC", "-flto", "-DENTRY=_rt0_amd64_linux_lib", name="entry_lto.o")
    lib = build.link("test", "libentry_lto.so", [obj], "-shared", "-flto", "-O2")
    bfd_lib = build.link("bfd", "libentry_lto.so", [obj], "-shared", "-flto", "-O2")

    class B:    # entry_report's view of a build: where its dlopen host lives
        root = build.root
        run = build.run
    got, want = entry_report(B, lib), entry_report(B, ref_lib)
    for how in got:
        assert got[how][1] == want[how][1] == [f"entry argc={got[how][2]}"], (how, got[how], want[how])
    assert all(v[1] == [] for v in entry_report(B, bfd_lib).values()), "bfd's library ran the entry?!"


def test_lib_main_with_lto_objects(build):
    """--lib-main=SYM with SYM defined in IR (only the generated entry object refers to it)."""
    obj = build.obj(SHLIB / "libmain.c", "-fPIC", "-flto", name="libmain_lto.o")
    plain = build.obj(SHLIB / "libmain.c", "-fPIC", name="libmain_plain.o")
    outs = {}
    for name, o, extra in (("lto", obj, ["-flto", "-O2"]), ("plain", plain, [])):
        lib = build.link("test", f"libmain_{name}.so", [o], "-shared", "-Wl,--lib-main=lib_main", *extra)
        outs[name] = run([sys_python(), "-c", "import ctypes,sys,time; ctypes.CDLL(sys.argv[1]); time.sleep(0.3)",
                          lib])
    assert outs["lto"] == outs["plain"] and outs["plain"][0] == 0, outs


def sys_python():
    import sys
    return sys.executable


# ----------------------------------------------------------------------------------------- errors

def _msg(text: str) -> str:
    """The program-name prefix normalised; bfd's message has no `error:` (braze's errors always do)."""
    return re.sub(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze|collect2): (?:error: )?", "LD: ", text, flags=re.M)


@pytest.mark.parametrize("plugin", ["missing", "not-elf", "no-onload"])
def test_plugin_that_cannot_load(build, direct_ld, tmp_path, plugin):
    """bfd's message and exit status, no output, whether or not an input needs the plugin."""
    path = {"missing": str(tmp_path / "nope.so"), "not-elf": "/etc/passwd",
            "no-onload": "/lib/x86_64-linux-gnu/libm.so.6"}[plugin]
    main = build.obj(C / "lto_opts/main.c", "-fPIE", name="err_main.o")
    ir = build.obj(C / "lto_opts/impl.c", "-fPIE", "-flto", name="err_impl.o")
    for inputs in ([main], [main, ir]):
        res = {}
        for linker, cmd in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
            out = tmp_path / f"out-{linker}"
            p = subprocess.run([*cmd, "-plugin", path, "-o", out, "-e", "main", *map(str, inputs)],
                               capture_output=True, text=True, env=tool_env())
            res[linker] = (p.returncode, _msg(p.stderr))
            assert not out.exists(), f"{linker}: output left behind"
        assert res["bfd"][0] == 1 and "error loading plugin" in res["bfd"][1], f"harness: {res['bfd']}"
        assert res["test"] == res["bfd"]


def test_ir_without_plugin_is_an_error(build, direct_ld, tmp_path):
    """bfd only warns (`plugin needed to handle lto object`) and links the object as empty; braze
    refuses, naming the file (its own message: no silently missing code)."""
    ir = build.obj(C / "lto_opts/impl.c", "-fPIE", "-flto", name="noplug_impl.o")
    out = tmp_path / "o"
    p = subprocess.run([*direct_ld, "-o", out, "-e", "main", str(ir)], capture_output=True, text=True)
    assert p.returncode == 1 and not out.exists()
    assert p.stderr.startswith(f"braze: error: {ir}: plugin needed to handle lto object"), p.stderr
    assert "Traceback" not in p.stderr
    # the LLVM plugin does not claim GCC's IR: same error
    p = subprocess.run([*direct_ld, "-plugin", LLVM_PLUGIN, "-o", out, "-e", "main", str(ir)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and not out.exists() and f"{ir}: plugin needed" in p.stderr, p.stderr


def test_plugin_failure_is_reported(build, tmp_path):
    """The plugin fails (its lto-wrapper cannot run): both linkers fail, with the plugin's message,
    and leave no output; braze runs the cleanup hook."""
    objs = [build.obj(C / f"lto_opts/{s}.c", "-fPIE", "-flto", name=f"fail_{s}.o") for s in ("main", "impl")]
    res = {}
    for linker in LINKERS:
        p = build.link(linker, "fail", objs, "-flto", "-Wl,-plugin-opt=-fresolution=/nonexistent/dir/x.res",
                       check=False)
        assert not isinstance(p, Path), f"{linker}: the link succeeded"
        res[linker] = (p.returncode != 0, "fatal" in p.stderr or "error" in p.stderr)
        assert not (build.root / linker / "fail").exists()
    assert res["test"] == res["bfd"], res


# ----------------------------------------------------------------------------------- real builds

@pytest.mark.parametrize("job", ["lto", "lto-sqlite", "lto-lua"])
def test_bench_lto_jobs(job, braze_lddir, tmp_path_factory):
    """The bench's LTO jobs (a C++ program; sqlite's and lua's mains in IR with Debian's regular
    libsqlite3.a / liblua5.4.a) behave as with ld.bfd."""
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench import jobs
    work = str(tmp_path_factory.getbasetemp().parent / "bench-work")
    r = jobs.check_job(job, lddir=braze_lddir, workdir=work)
    assert r.ok, r.message


PYPI_EXT = "bitarray==3.8.0"     # a C extension with its own test suite (bitarray.test())


def test_pypi_c_extension_built_with_lto(tmp_path):
    """`braze run -- pip wheel` of a PyPI C extension with CFLAGS=-flto LDFLAGS=-flto (its .so files
    linked through the plugin: braze's --time shows the plugin ran), then the extension's own tests,
    against the same build linked by ld.bfd."""
    import sys
    braze = Path(sys.executable).parent / "braze"
    results = {}
    for linker in LINKERS:
        d = tmp_path / linker
        d.mkdir()
        env = {**tool_env(), "CFLAGS": "-flto -O2",
               "LDFLAGS": "-flto" + (" -Wl,--time" if linker == "test" else " -fuse-ld=bfd")}
        pip = [sys.executable, "-m", "pip", "wheel", "-v", "--no-cache-dir", "--no-deps", "--no-binary", "bitarray", PYPI_EXT,
               "-w", str(d / "wheel")]
        cmd = [str(braze), "run", "--", *pip] if linker == "test" else pip
        p = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, f"{linker}: pip wheel failed\n{p.stdout[-4000:]}{p.stderr[-4000:]}"
        if linker == "test":
            assert "braze: time: LTO plugin" in p.stdout + p.stderr, "the extension was not linked by braze with LTO"
        whl = next((d / "wheel").glob("*.whl"))
        subprocess.run([sys.executable, "-m", "zipfile", "-e", str(whl), str(d / "x")], check=True)
        t = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import bitarray; "
                            "r = bitarray.test(verbosity=0); print(r.testsRun, len(r.failures), len(r.errors), "
                            "r.wasSuccessful())", str(d / "x")],
                           cwd=d, capture_output=True, text=True, timeout=600, env=tool_env())
        results[linker] = (t.returncode, t.stdout.strip().splitlines()[-1:])   # (the banner names paths)
    assert results["bfd"][0] == 0 and results["bfd"][1][0].endswith("True"), f"harness: {results['bfd']}"
    assert results["test"] == results["bfd"], results


def test_trace_symbol_names_ir_files_as_bfd(build):
    """-y SYM: references and definitions in claimed files are `FILE (symbol from plugin)` (an archive
    member by its own name), then the plugin's object's, as bfd prints them."""
    objs = {s: build.obj(C / f"lto_mixed/{s}.c", "-fPIE", *(["-flto"] if s != "main_plain" else []),
                         name=f"trace_{s}.o") for s in ("main_plain", "ir_a", "ir_b")}
    ar = build.root / "libtrace_lto.a"
    if ar.exists():
        ar.unlink()
    build.run(["gcc-ar", "rcs", ar, objs["ir_a"]])
    out = {}
    for linker in LINKERS:
        (build.root / linker).mkdir(exist_ok=True)
        p = build.run(["gcc", *build.ld(linker, "gcc"), objs["main_plain"], objs["ir_b"], ar,
                       "-flto", "-O2", "-Wl,-y,lto_entry", "-Wl,-y,plain_helper", "-Wl,-y,lto_table",
                       "-o", build.root / linker / "trace"], cwd=build.root / linker)
        text = re.sub(r"/\S*/cc\w+\.ltrans(\d+)\.ltrans\.o", r"LTRANS\1", _msg(p.stdout + p.stderr))
        out[linker] = text.replace(str(build.root) + "/", "")
    assert "(symbol from plugin)" in out["bfd"], f"harness: {out['bfd']}"
    assert out["test"] == out["bfd"]


def test_lto_output_is_deterministic(build):
    """Two LTO links (different PYTHONHASHSEED) give the same bytes."""
    objs = [build.obj(s, "-fPIE", "-flto", name=f"det_{s.stem}.o") for s in sorted((C / "multi_object").glob("*.c"))]
    outs = []
    for seed in ("1", "2"):
        d = build.root / f"det{seed}"
        d.mkdir(exist_ok=True)
        exe = d / "prog"
        env = {**tool_env(), "PYTHONHASHSEED": seed}
        p = subprocess.run(["gcc", f"-B{build.lddir}/", "-flto", "-O2", *map(str, objs), "-o", str(exe)], cwd=d,
                           env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        outs.append(exe.read_bytes())
    assert outs[0] == outs[1]
