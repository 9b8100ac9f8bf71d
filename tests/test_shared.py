"""-shared libraries built by the linker under test AND by ld.bfd from the same objects (sources in
tests/shlib/): loaded at link time, with dlopen, from Python ctypes and with LD_PRELOAD, their
behaviour must match; readelf's view of their dynamic symbols, tags and versions must match too.

The library-init entry and --lib-main are braze's own features: there the bfd-built library is the
control (its entry must NOT run), and the expectations come from the test itself (how often the
entry ran, the argc the test passed)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import BuildDir, RUN_TIMEOUT, _no_core, need_tool, run_env, tool_env

SRC = Path(__file__).resolve().parent / "shlib"
LINKERS = ("bfd", "test")


class Build(BuildDir):
    """Compiles and links into one directory; `linker` is 'bfd' or 'test' (the linker under test)."""

    def obj(self, src: str, *flags: str, name: str | None = None) -> Path:
        out = self.root / (name or (Path(src).stem + ".o"))
        if not out.exists():
            cc = "g++" if src.endswith(".cc") else "gcc"
            self.run([cc, "-c", "-O2", "-fPIC", f"-I{SRC}", *flags, SRC / src, "-o", out])
        return out

    def link(self, linker: str, out: str, inputs, *flags: str, cxx=False, check=True):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        path = d / out
        p = self.run(["g++" if cxx else "gcc", *self.ld(linker), *map(str, inputs), *flags, "-o", path],
                     cwd=d, check=check)
        return path if p.returncode == 0 else p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("shared"), braze_lddir)


def run(cmd, env=None, cwd=None):
    """(exit status, stdout, stderr) of a program run in the harness's fixed environment."""
    cwd = Path(cwd or Path(cmd[0]).parent)
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=run_env(cwd, env or {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def run_ctypes(lib: Path, calls: list[str], env=None):
    code = ("import ctypes, sys\n"
            "lib = ctypes.CDLL(sys.argv[1])\n"
            "for name in sys.argv[2:]:\n"
            "    f = getattr(lib, name)\n"
            "    if name.endswith('describe'):\n"
            "        f.restype = ctypes.c_char_p\n"
            "        print(name, f().decode())\n"
            "    else:\n"
            "        print(name, f(3))\n")
    return run([sys.executable, "-c", code, lib, *calls], env=env, cwd=lib.parent)


def dl_host(build: Build) -> Path:
    host = build.root / "dl_host"
    if not host.exists():
        build.run(["gcc", "-fuse-ld=bfd", "-O2", SRC / "dl_host.c", "-o", host])
    return host


# ------------------------------------------------------------------------- ordinary libraries

API_VARIANTS = {
    "default": ((), ()),
    "z-now-nodelete-defs": ((), ("-Wl,-z,now", "-Wl,-z,nodelete", "-Wl,-z,defs", "-Wl,--no-undefined")),
    "bsymbolic": ((), ("-Wl,-Bsymbolic",)),
    "bsymbolic-functions": ((), ("-Wl,-Bsymbolic-functions",)),
    "tlsdesc": (("-mtls-dialect=gnu2",), ()),
    "tlsdesc-z-now": (("-mtls-dialect=gnu2",), ("-Wl,-z,now",)),
    "version-script": ((), (f"-Wl,--version-script={SRC / 'api.map'}",)),
    # -shared --gc-sections: exported functions are roots, the rest goes; .dynsym and behaviour as bfd's
    "gc-sections": (("-ffunction-sections", "-fdata-sections"), ("-Wl,--gc-sections",)),
    "gc-sections-version-script": (("-ffunction-sections", "-fdata-sections"),
                                   ("-Wl,--gc-sections", f"-Wl,--version-script={SRC / 'api.map'}")),
    "init-fini": ((), ("-Wl,-init,api_init_fn", "-Wl,-fini,api_fini_fn")),
    "rpath-old-dtags-sysv-hash": ((), ("-Wl,-rpath,/nonexistent/lib", "-Wl,--disable-new-dtags",
                                       "-Wl,--hash-style=both")),
    "runpath-no-as-needed": ((), ("-Wl,-rpath,/nonexistent/lib", "-Wl,--no-as-needed", "-lm")),
    # Python's LDSHARED passes its -rpath twice: bfd writes a repeated (run of) component(s) once
    "rpath-repeated": ((), tuple(f"-Wl,-rpath,/nonexistent/{p}" for p in
                                 ("a", "a", "b:/nonexistent/a", "b", "a::/nonexistent/c", "c", "a:/nonexistent/b"))),
}


def api_lib(build: Build, variant: str, linker: str) -> Path:
    cflags, ldflags = API_VARIANTS[variant]
    obj = build.obj("api.c", *cflags, name=f"api-{variant}.o")
    d = build.root / linker / variant
    d.mkdir(parents=True, exist_ok=True)
    lib = d / "libapi.so"
    if not lib.exists():
        build.run(["gcc", *build.ld(linker), "-shared", "-Wl,-soname,libapi.so", obj, *ldflags, "-o", lib], cwd=d)
    return lib


def api_behaviour(build: Build, lib: Path) -> dict:
    d = lib.parent
    out = {}
    for mode in ("-no-pie", "-pie"):
        host = d / f"host{mode}"
        if not host.exists():     # the host is always linked by bfd: only the library differs
            build.run(["gcc", "-fuse-ld=bfd", mode, "-O2", SRC / "api_host.c", lib, f"-Wl,-rpath,{d}",
                       "-o", host], cwd=d)
        out[f"link-time {mode}"] = run([host], env={"API_DTOR": "1"})
    out["dlopen"] = run([dl_host(build), lib, "api_sum", "api_describe", "api_internal", "api_hidden"],
                        env={"API_DTOR": "1"})
    out["ctypes"] = run_ctypes(lib, ["api_sum", "api_describe"])
    out["LD_PRELOAD"] = run(["/bin/true"], env={"LD_PRELOAD": str(lib), "API_DTOR": "1"})
    return out


@pytest.mark.parametrize("variant", sorted(API_VARIANTS))
def test_library_behaves_like_bfds(build, variant):
    ref = api_behaviour(build, api_lib(build, variant, "bfd"))
    got = api_behaviour(build, api_lib(build, variant, "test"))
    assert ref["dlopen"][0] == 0 and "api_sum -> " in ref["dlopen"][1], f"harness: bfd's library: {ref}"
    for how in ref:
        assert got[how] == ref[how], f"{how}: (exit, stdout, stderr) differ\nbfd:  {ref[how]}\ntest: {got[how]}"


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True,
                          env=tool_env()).stdout


def dynsyms(lib: Path) -> set:
    """(name@version, type, bind, visibility, defined?) of every .dynsym entry."""
    out = set()
    for line in _readelf("--dyn-syms", lib).splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].rstrip(":").isdigit() and f[0] != "0:":
            name = re.sub(r" \(\d+\)$", "", " ".join(f[7:]))
            out.add((name, f[3], f[4], f[5], f[6] != "UND"))
    return out


_VALUE_TAGS = {"NEEDED", "SONAME", "RPATH", "RUNPATH", "FLAGS", "FLAGS_1", "SYMBOLIC", "VERDEFNUM",
               "VERNEEDNUM", "INIT_ARRAYSZ", "FINI_ARRAYSZ", "PREINIT_ARRAYSZ", "TEXTREL", "BIND_NOW"}


def dyntags(lib: Path) -> list:
    out = []
    for line in _readelf("-d", lib).splitlines():
        m = re.match(r"\s*0x[0-9a-f]+ \((\w+)\)\s+(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2).strip() if m.group(1) in _VALUE_TAGS else ""))
    return sorted(out)


def versions(lib: Path) -> tuple:
    """Version definitions (name, flags, parents) and needs (file, version names)."""
    text = _readelf("-V", lib)
    defs, needs, cur = [], set(), None
    for line in text.splitlines():
        m = re.search(r"Rev: \d+\s+Flags: (\S+)\s+Index: (\d+)\s+Cnt: \d+\s+Name: (\S+)", line)
        if m:
            defs.append([m.group(3) if m.group(1) != "BASE" else "(base)", m.group(1), []])
            continue
        m = re.search(r"Parent \d+: (\S+)", line)
        if m and defs:
            defs[-1][2].append(m.group(1))
            continue
        m = re.search(r"File: (\S+)", line)
        if m:
            cur = m.group(1)
            continue
        m = re.search(r"Name: (\S+)\s+Flags: (\S+)", line)
        if m and cur:
            needs.add((cur, m.group(1), m.group(2)))
    return [tuple((n, f, tuple(p)) for n, f, p in defs)], needs


def reloc_types(lib: Path) -> set:
    """(relocation section, type) pairs: where a kind of dynamic relocation goes matters to ld.so
    (.rela.plt is DT_JMPREL, processed lazily)."""
    out, sec = set(), None
    for line in _readelf("-r", lib).splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            sec = m.group(1)
        out.update((sec, t) for t in re.findall(r"R_X86_64_\w+", line))
    return out


def elflint(lib: Path) -> set:
    p = subprocess.run([need_tool("eu-elflint"), "--gnu-ld", str(lib)], capture_output=True, text=True,
                       env=tool_env())
    lines = (p.stdout + p.stderr).replace(str(lib), "FILE").splitlines()
    return {re.sub(r"\d+", "N", l.strip()) for l in lines if l.strip() and l.strip() != "No errors"}


def assert_same_structure(ref: Path, got: Path):
    assert dynsyms(got) == dynsyms(ref), (f".dynsym differs from bfd's:\n only test: {sorted(dynsyms(got) - dynsyms(ref))}"
                                          f"\n only bfd:  {sorted(dynsyms(ref) - dynsyms(got))}")
    assert dyntags(got) == dyntags(ref), f"dynamic tags differ:\n bfd:  {dyntags(ref)}\n test: {dyntags(got)}"
    assert versions(got) == versions(ref), f"versions differ:\n bfd:  {versions(ref)}\n test: {versions(got)}"
    assert reloc_types(got) == reloc_types(ref), f"relocation types: bfd {reloc_types(ref)}, test {reloc_types(got)}"
    extra = elflint(got) - elflint(ref)
    assert not extra, f"eu-elflint --gnu-ld complains about the library under test only:\n{extra}"


@pytest.mark.parametrize("variant", sorted(API_VARIANTS))
def test_library_structure_matches_bfds(build, variant):
    assert_same_structure(api_lib(build, variant, "bfd"), api_lib(build, variant, "test"))


def tlsdesc_trampoline(lib: Path) -> tuple:
    """What the 16 bytes at DT_TLSDESC_PLT do, with targets named after the dynamic tags they match.
    (glibc resolves TLS descriptors at load time, so running a program never reaches this code.)"""
    from elftools.elf.elffile import ELFFile
    with open(lib, "rb") as f:
        elf = ELFFile(f)
        tags = {t.entry.d_tag: t.entry.d_val for t in elf.get_section_by_name(".dynamic").iter_tags()}
        at = tags.get("DT_TLSDESC_PLT")
        if at is None:
            return ()
        plt = next(s for s in elf.iter_sections() if s["sh_addr"] <= at < s["sh_addr"] + s["sh_size"])
        code = plt.data()[at - plt["sh_addr"]:at - plt["sh_addr"] + 16]
    names = {tags["DT_PLTGOT"] + 8: "GOT+8", tags["DT_TLSDESC_GOT"]: "DT_TLSDESC_GOT"}
    push = at + 10 + int.from_bytes(code[6:10], "little", signed=True)
    jmp = at + 16 + int.from_bytes(code[12:16], "little", signed=True)
    return (plt.name, code[:4].hex(), code[4:6].hex(), names.get(push, hex(push)), code[10:12].hex(),
            names.get(jmp, hex(jmp)))


@pytest.mark.parametrize("mode", ["lazy", "LD_BIND_NOW"])
def test_tlsdesc_threads_in_dlopened_library(build, mode):
    """Threads of a program touch TLS-descriptor variables of a dlopen'ed library at the same moment.
    The block is too big for static TLS, so each thread's copy is allocated on its first access through
    a descriptor (glibc's dynamic TLSDESC path). Loaded with RTLD_LAZY and with LD_BIND_NOW (bfd's
    trampoline is only for loaders that resolve descriptors lazily, glibc fills them at load: its bytes
    are compared structurally). Both libraries are linked from the same object file."""
    host = build.root / "tlsdesc_mt_host"
    if not host.exists():
        build.run(["gcc", "-fuse-ld=bfd", "-O2", "-pthread", SRC / "tlsdesc_mt_host.c", "-o", host])
    obj = build.obj("tlsdesc_mt.c", "-mtls-dialect=gnu2")
    env = {"LD_BIND_NOW": "1"} if mode == "LD_BIND_NOW" else {}
    res = {}
    for linker in LINKERS:
        lib = build.link(linker, "libtdmt.so", [obj], "-shared")
        res[linker] = run([host, lib], env=env)
        tags = {t for t, _ in dyntags(lib)}
        assert {"TLSDESC_PLT", "TLSDESC_GOT"} <= tags, f"{linker}: no lazy TLSDESC tags: {sorted(tags)}"
        assert (".rela.plt", "R_X86_64_TLSDESC") in reloc_types(lib), f"{linker}: {reloc_types(lib)}"
    assert res["bfd"][0] == 0 and "distinct addresses: 1" in res["bfd"][1], f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]
    ref, got = build.root / "bfd" / "libtdmt.so", build.root / "test" / "libtdmt.so"
    assert_same_structure(ref, got)
    assert tlsdesc_trampoline(ref)[3:] == ("GOT+8", "ff25", "DT_TLSDESC_GOT"), f"harness: {tlsdesc_trampoline(ref)}"
    assert tlsdesc_trampoline(got) == tlsdesc_trampoline(ref)


def test_cxx_exceptions_cross_the_library_boundary(build):
    """A C++ library throws into the executable and catches the executable's exceptions; library
    and executable are both linked by the same linker."""
    res = {}
    for linker in LINKERS:
        lib = build.link(linker, "libcxx.so", [build.obj("cxxlib.cc")], "-shared", cxx=True)
        host = build.link(linker, "cxxhost", [build.obj("cxxhost.cc", "-fPIE", name="cxxhost.o"), lib],
                          "-pie", f"-Wl,-rpath,{lib.parent}", cxx=True)
        res[linker] = run([host])
        if linker == "test":
            assert_same_structure(build.root / "bfd" / "libcxx.so", lib)
    assert res["bfd"][0] == 0 and "LibError" in res["bfd"][1], f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]


@pytest.mark.parametrize("export", ["-Wl,-E", "-Wl,--export-dynamic", "dynamic-list"])
def test_plugin_calls_back_into_executable(build, export):
    flag = f"-Wl,--dynamic-list={SRC / 'plugin.list'}" if export == "dynamic-list" else export
    res = {}
    for linker in LINKERS:
        plugin = build.link(linker, "plugin.so", [build.obj("plugin.c")], "-shared")
        host = build.link(linker, f"plugin_host{export}", [SRC / "plugin_host.c"], flag)
        res[linker] = run([host, plugin])
        syms = {s[0] for s in dynsyms(host) if s[4]}
        assert "host_value" in syms, f"{linker}: host_value not exported by {export}"
    assert res["bfd"][1] == "plugin_run -> 84\n", f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]


# ------------------------------------------------------------------------- the library-init entry

ENTRY = "_rt0_amd64_linux_lib"


def entry_lib(build: Build, linker: str, name: str, cflags=(), ldflags=(), entry=ENTRY, check=True):
    obj = build.obj("entry.c", f"-DENTRY={entry}", *cflags, name=f"entry-{name}.o")
    return build.link(linker, f"lib{name}.so", [obj], "-shared", *ldflags, check=check)


def entry_report(build: Build, lib: Path) -> dict:
    """How often the entry ran and the argc it saw, loaded four ways; plus the INIT_LOG order."""
    log = lib.parent / (lib.name + ".log")
    out = {}
    for how in ("dlopen", "ctypes", "LD_PRELOAD"):
        if log.exists():
            log.unlink()
        env = {"INIT_LOG": str(log)}
        if how == "dlopen":
            cmd = [dl_host(build), lib, "entry_runs", "entry_argc"]
            rc, so, se = run(cmd, env=env)
            argc = len(cmd)
        elif how == "ctypes":
            rc, so, se = run_ctypes(lib, ["entry_runs", "entry_argc"], env=env)
            argc = 6              # the C-level argv: python -c CODE LIB NAME NAME
        else:
            rc, so, se = run(["/bin/true", "x", "y"], env={**env, "LD_PRELOAD": str(lib)})
            argc = 3
        assert rc == 0, f"{how}: exit {rc}\n{so}{se}"
        lines = log.read_text().splitlines() if log.exists() else []
        out[how] = (so, lines, argc)
    return out


def _runs(stdout: str) -> int:
    m = re.search(r"entry_runs\W+(\d+)", stdout)
    return int(m.group(1)) if m else -1


def test_init_entry_runs_once_at_load(build):
    got = entry_report(build, entry_lib(build, "test", "entry"))
    ref = entry_report(build, entry_lib(build, "bfd", "entry"))
    for how, (so, lines, argc) in got.items():
        assert lines == [f"entry argc={argc}"], f"{how}: the entry's calls: {lines}"
        if how != "LD_PRELOAD":
            assert _runs(so) == 1 and re.search(rf"entry_argc\W+{argc}\b", so), f"{how}: {so}"
        # bfd does not add the entry: the difference comes from the linker under test
        assert ref[how][1] == [], f"{how}: bfd's library ran the entry?! {ref[how][1]}"
        if how != "LD_PRELOAD":
            assert _runs(ref[how][0]) == 0
    tags = dict(dyntags(build.root / "test" / "libentry.so"))
    ref_tags = dict(dyntags(build.root / "bfd" / "libentry.so"))
    assert int(tags["INIT_ARRAYSZ"].split()[0]) == int(ref_tags["INIT_ARRAYSZ"].split()[0]) + 8


def test_init_entry_is_first_before_prioritized_constructors(build):
    got = entry_report(build, entry_lib(build, "test", "ctors", ("-DCTORS",)))
    ref = entry_report(build, entry_lib(build, "bfd", "ctors", ("-DCTORS",)))
    for how in got:
        ctors = ref[how][1]
        assert ctors and all(l.startswith("ctor") for l in ctors), f"harness: bfd's ctors: {ctors}"
        assert got[how][1] == [f"entry argc={got[how][2]}"] + ctors, f"{how}: {got[how][1]}"
    lib = build.root / "test" / "libctors.so"
    assert "R_X86_64_RELATIVE" in _readelf("-r", lib)
    assert ENTRY not in {s[0] for s in dynsyms(lib) if not s[4]}, "the entry is imported"


def test_init_entry_not_added_twice(build):
    """An input .init_array slot that already calls the entry (Go's go.o does that) is enough."""
    got = entry_report(build, entry_lib(build, "test", "ownslot", ("-DOWN_SLOT",)))
    ref = entry_report(build, entry_lib(build, "bfd", "ownslot", ("-DOWN_SLOT",)))
    for how in got:
        assert ref[how][1] == [f"entry argc={ref[how][2]}"], f"harness: {ref[how]}"
        assert got[how][1] == ref[how][1], f"{how}: {got[how][1]}"
    assert dyntags(build.root / "test" / "libownslot.so") == dyntags(build.root / "bfd" / "libownslot.so")


def test_init_entry_local_symbol(build):
    got = entry_report(build, entry_lib(build, "test", "local", ("-DLOCAL_ENTRY",)))
    for how, (so, lines, argc) in got.items():
        assert lines == [f"entry argc={argc}"], f"{how}: {lines}"


def test_init_entry_several_local_definitions_is_an_error(build):
    other = build.obj("entry_other.c")
    obj = build.obj("entry.c", f"-DENTRY={ENTRY}", "-DLOCAL_ENTRY", name="entry-twolocal.o")
    p = build.link("test", "libtwolocal.so", [obj, other], "-shared", check=False)
    assert p.returncode != 0 and not (build.root / "test" / "libtwolocal.so").exists()
    assert "entry-twolocal.o" in p.stderr and "entry_other.o" in p.stderr and ENTRY in p.stderr, p.stderr


def test_init_entry_options(build):
    # --init-entry=SYM names another symbol
    got = entry_report(build, entry_lib(build, "test", "custom", (), ("-Wl,--init-entry=my_init",), entry="my_init"))
    for how, (so, lines, argc) in got.items():
        assert lines == [f"entry argc={argc}"], f"{how}: {lines}"
    # ... which must be defined
    p = build.link("test", "libnosuch.so", [build.root / "entry-custom.o"], "-shared",
                   "-Wl,--init-entry=no_such_entry", check=False)
    assert not isinstance(p, Path) and "no_such_entry" in p.stderr and "error" in p.stderr, p
    assert not (build.root / "test" / "libnosuch.so").exists()
    # --no-init-entry turns it off: the same as bfd's library
    got = entry_report(build, entry_lib(build, "test", "noentry", (), ("-Wl,--no-init-entry",)))
    for how, (so, lines, argc) in got.items():
        assert lines == [] and _runs(so) in (0, -1), f"{how}: {lines} {so}"


@pytest.mark.parametrize("entry", ["entry_data", "entry_common", "entry_abs"])
def test_init_entry_must_be_a_function(build, entry):
    """--init-entry naming data, a COMMON block or an absolute symbol would make the loader jump
    there: an error naming the symbol and its object, and no library."""
    obj = build.obj("entry_notfunc.c", "-fcommon")
    out = f"libnotfunc-{entry}.so"
    p = build.link("test", out, [obj], "-shared", f"-Wl,--init-entry={entry}", check=False)
    assert not isinstance(p, Path) and p.returncode == 1, p
    assert entry in p.stderr and "entry_notfunc.o" in p.stderr and "not a function" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and not (build.root / "test" / out).exists()


def test_init_entry_not_added_without_shared(build):
    res = {}
    for linker in LINKERS:
        obj = build.obj("entry.c", f"-DENTRY={ENTRY}", name="entry-exe.o")
        flags = ["-Wl,--verbose"] if linker == "test" else []
        p = build.run(["gcc", *build.ld(linker), obj, SRC / "entry_exe.c", *flags, "-o",
                       build.root / f"entry_exe_{linker}"])
        if linker == "test":
            assert re.search(rf"note: {ENTRY} .*not a -shared link", p.stderr), p.stderr
        res[linker] = run([build.root / f"entry_exe_{linker}"])
    assert res["bfd"][1] == "runs=0 argc=-1\n"
    assert res["test"] == res["bfd"]


# ------------------------------------------------------------------------- --lib-main

def lib_main(build: Build) -> Path:
    return build.link("test", "liblibmain.so", [build.obj("libmain.c")], "-shared", "-Wl,--lib-main=lib_main")


def test_lib_main_starts_a_thread_and_returns(build):
    lib = lib_main(build)
    cmd = [dl_host(build), lib, "main_started", "main_argc_seen", "add_seven"]
    rc, so, se = run(cmd)
    assert (rc, se) == (0, ""), f"{rc}\n{so}{se}"
    assert so == f"main_started -> 1\nmain_argc_seen -> {len(cmd)}\nadd_seven -> 10\n", so
    rc, so, se = run_ctypes(lib, ["main_started", "main_argc_seen", "add_seven"])
    assert (rc, se, so) == (0, "", "main_started 1\nmain_argc_seen 7\nadd_seven 10\n")
    rc, so, se = run(["/bin/true"], env={"LD_PRELOAD": str(lib)})
    assert (rc, so, se) == (0, "", "")
    # the entry is braze's generated code; pthread_create comes from libc (DT_NEEDED)
    assert any(t == ("NEEDED", "Shared library: [libc.so.6]") for t in dyntags(lib)), dyntags(lib)
    # the same objects linked by bfd have no entry: lib_main never runs
    ref = build.link("bfd", "liblibmain.so", [build.obj("libmain.c")], "-shared")
    rc, so, se = run([dl_host(build), ref, "main_started_now", "add_seven"])
    assert so == "main_started_now -> 0\nadd_seven -> 10\n", so


def test_lib_main_thread_failure_is_reported(build):
    nothread = build.link("bfd", "libnothread.so", [build.obj("nothread.c")], "-shared")
    lib = lib_main(build)
    rc, so, se = run([dl_host(build), lib, "main_started_now", "add_seven"], env={"LD_PRELOAD": str(nothread)})
    assert rc == 0 and so == "main_started_now -> 0\nadd_seven -> 10\n", f"{rc}\n{so}{se}"
    assert "pthread_create failed" in se and "lib_main" in se, se


def test_lib_main_errors(build):
    # the inputs must not define the entry themselves
    obj = build.obj("entry.c", f"-DENTRY={ENTRY}", name="entry-exe.o")
    p = build.link("test", "libdup.so", [obj, build.obj("libmain.c")], "-shared", "-Wl,--lib-main=lib_main",
                   check=False)
    assert not isinstance(p, Path) and ENTRY in p.stderr and "entry-exe.o" in p.stderr, p
    # SYM must exist
    p = build.link("test", "libnomain.so", [build.obj("libmain.c")], "-shared", "-Wl,--lib-main=no_main",
                   check=False)
    assert not isinstance(p, Path) and "no_main" in p.stderr, p
    # only for -shared
    p = build.link("test", "libmain_exe", [build.obj("libmain.c")], "-Wl,--lib-main=lib_main", check=False)
    assert not isinstance(p, Path) and "-shared" in p.stderr, p
    for name in ("libdup.so", "libnomain.so", "libmain_exe"):
        assert not (build.root / "test" / name).exists()


EH_ABSPTR_S = """
        .text
        .globl f
        .type f, @function
f:      .cfi_startproc
        .cfi_personality 0x0, pers
        ret
        .cfi_endproc
        .data
        .globl pers
pers:   .quad 0
"""


def _dyn_relocs_in_eh_frame(lib: Path) -> list:
    """(type, symbol) of the dynamic relocations, each checked to apply inside .eh_frame."""
    sh = re.search(r"\.eh_frame\s+PROGBITS\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)", _readelf("-S", lib))
    assert sh, _readelf("-S", lib)
    start, size = int(sh.group(1), 16), int(sh.group(2), 16)
    out = []
    for line in _readelf("-r", lib).splitlines():
        f = line.split()
        if len(f) >= 3 and f[2].startswith("R_X86_64_"):
            assert start <= int(f[0], 16) < start + size, f"{lib}: {line} is not in .eh_frame"
            out.append((f[2], f[4] if len(f) > 5 else ""))
    return sorted(out)


def test_eh_frame_absolute_personality_pointer(build):
    """A hand-written CFI personality pointer with DW_EH_PE_absptr is an R_X86_64_64 in .eh_frame; in a
    shared library it needs a dynamic relocation at the record's place in the output .eh_frame."""
    src = build.root / "ehabs.s"
    src.write_text(EH_ABSPTR_S)
    obj = build.root / "ehabs.o"
    build.run(["gcc", "-c", src, "-o", obj])
    libs = {ln: build.link(ln, "libehabs.so", [obj], "-shared", "-nostdlib") for ln in LINKERS}
    assert _dyn_relocs_in_eh_frame(libs["test"]) == _dyn_relocs_in_eh_frame(libs["bfd"]) == \
        [("R_X86_64_64", "pers")]
