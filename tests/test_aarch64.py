"""aarch64 Linux (issue 12 part 2): the C and C++ program cases compiled with the cross compiler,
linked by aarch64 ld.bfd and by the linker under test, run under qemu-aarch64; same stdout, stderr
and exit status, and the same readelf views (ELF header, program headers, section names and
flags, dynamic tags, DT_NEEDED, .dynsym, dynamic relocation types, PT_INTERP).

Extra aarch64 cases live in c/a64_*: IFUNC, TLS in every model and dialect (TLSDESC, traditional
GD/LD, IE, LE and bfd's relaxations), a -shared library (with lazy TLSDESC) loaded at link time,
with dlopen and with LD_PRELOAD, the library-init entry.
"""
from __future__ import annotations

import collections
import re
import subprocess
from pathlib import Path

import pytest

import a64_harness as H
from harness import tool_env
from programs import BY_NAME, Case

C = Path(__file__).resolve().parent / "c"

# programs.py cases that are not about x86-64 (compiler flags, builtins or asm of their own)
_X86_ONLY = {"tls_gnu2", "ifunc", "plt_unwind", "mcmodel_medium", "cxx_eh_large_model"}
_PORTED = [c for c in BY_NAME.values() if c.name not in _X86_ONLY]

# aarch64's own cases
A64_CASES = [
    Case("a64_ifunc", modes=("pie", "nopie", "static"), obj_expect={"a64_ifunc": ("IFUNC",)}),
    Case("a64_tls_trad", src="a64_tls", cflags=("-fPIC", "-mtls-dialect=trad"),
         obj_expect={"tlsmain": ("R_AARCH64_TLSGD_ADR_PAGE21",)}, threads=True,
         modes=("pie", "nopie", "static")),
    Case("a64_tls_desc", src="a64_tls", cflags=("-fPIC", "-mtls-dialect=desc"),
         obj_expect={"tlsmain": ("R_AARCH64_TLSDESC_ADR_PAGE21",)}, threads=True,
         modes=("pie", "nopie", "static")),
    Case("a64_tls_exec", src="a64_tls", obj_expect={"tlsmain": ("R_AARCH64_TLSLE_ADD_TPREL_HI12",)},
         threads=True, modes=("pie", "nopie", "static")),
    Case("a64_relocs", modes=("nopie", "static"),     # (absolute MOVW groups: not in a PIE)
         obj_expect={"a64_relocs": ("R_AARCH64_MOVW_UABS_G3", "R_AARCH64_PREL32")}),
]
for _c in A64_CASES:
    BY_NAME.setdefault(_c.name, _c)


_MODES = ("pie", "nopie", "static", "static-pie", "pie-static-libstdcxx", "nopie-static-libstdcxx")


def _params():
    out = []
    for c in _PORTED + A64_CASES:
        for m in _MODES:
            if m in c.modes:
                out.append(pytest.param(c.name, m, id=f"{c.name}-{m}"))
    return out


@pytest.fixture(scope="session", autouse=True)
def _cross_tools():
    assert H.have_toolchain(), ("the aarch64 cross toolchain and qemu-user are needed "
                                "(Makefile APT_PKGS: gcc-aarch64-linux-gnu g++-aarch64-linux-gnu "
                                "binutils-aarch64-linux-gnu qemu-user)")


def _readelf(path: str, *args: str) -> str:
    return H.readelf(list(args), path)


def views(path: str) -> dict:
    """What must be the same in bfd's and the linker under test's output."""
    h = _readelf(path, "-h")
    v = {"header": [l.split(":", 1)[1].strip() for l in h.splitlines()
                    if l.strip().startswith(("Class", "Data", "Machine", "Type", "OS/ABI"))]}
    ph = _readelf(path, "-l")
    v["phdrs"] = [(p[0], " ".join(p[6:-1]), p[-1]) for p in
                  (l.split() for l in ph.splitlines() if re.match(r"\s+[A-Z_]+\s+0x", l))]
    v["interp"] = re.findall(r"Requesting program interpreter: (\S+)\]", ph)
    sh = _readelf(path, "-S")
    v["sections"] = [(m.group(1), m.group(2)) for m in
                     re.finditer(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]{16}", sh)]
    # .eh_frame as bfd merges it (CIEs, FDEs, no PLT unwind info on aarch64) and its header table
    v["eh_frame_sizes"] = re.findall(r"\]\s+(\.eh_frame(?:_hdr)?)\s+\S+\s+[0-9a-f]{16} [0-9a-f]{6} ([0-9a-f]{6})", sh)
    dyn = _readelf(path, "-d")
    v["tags"] = re.findall(r"^\s*0x[0-9a-f]+ \((\w+)\)", dyn, re.M)
    v["needed"] = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", dyn)
    ds = _readelf(path, "--dyn-syms")
    # (with the STT_SECTION entries of a PIC output: bfd's first text and data sections)
    v["dynsym"] = sorted(" ".join(l.split()[3:5] + l.split()[6:8]) for l in ds.splitlines()
                         if re.match(r"\s+\d+:", l) and len(l.split()) >= 8)
    rel = _readelf(path, "-r")
    v["dynrel_types"] = sorted(collections.Counter(re.findall(r"\b(R_AARCH64_\w+)", rel)).items())
    return v


# Views where braze's output is known to differ from bfd's (behaviour is still compared): each is
# listed in the README's aarch64 paragraph and the report, not silently skipped.
_KNOWN = {
    # bfd adds a referenced weak data symbol's strong alias (environ -> __environ, daylight -> __daylight)
    # to .dynsym, and names copy relocations after other aliases than braze
    ("environ_access", "pie"): {"dynsym"}, ("environ_access", "nopie"): {"dynsym"},
    ("copy_reloc", "pie"): {"dynsym"},
    # the type bfd gives an undefined weak reference (FUNC from libstdc++.a's declaration, braze: NOTYPE), so
    # bfd's PLT entry for it; and GOT slots of the symbols a non-PIE exports (GLOB_DAT in bfd)
    ("cxx_gnu_unique", "pie-static-libstdcxx"): {"dynsym", "dynrel_types"},
    ("cxx_gnu_unique", "nopie-static-libstdcxx"): {"dynsym", "dynrel_types"},
}
_KNOWN_MODE: dict = {}


def _links(store, name, mode, lddir):
    case = BY_NAME[name]
    ref = H.link_case(store, case, mode, "bfd", "bfd")
    assert ref.ok, "harness: the reference link with aarch64 ld.bfd failed\n" + ref.describe("bfd")
    got = H.link_case(store, case, mode, lddir, "test")
    assert got.ok, got.describe("under test")
    return case, ref, got


@pytest.mark.parametrize("name,mode", _params())
def test_program(store, braze_lddir, name, mode, tmp_path):
    case, ref, got = _links(store, name, mode, braze_lddir)
    rb = H.run_program(ref.exe, case, tmp_path / "bfd")
    rt = H.run_program(got.exe, case, tmp_path / "test")
    assert (rt.returncode, rt.stdout, rt.stderr) == (rb.returncode, rb.stdout, rb.stderr), \
        rb.describe("bfd") + rt.describe("under test")
    vb, vt = views(ref.exe), views(got.exe)
    skip = _KNOWN.get((name, mode), set()) | _KNOWN_MODE.get(mode, set())
    for k in vb:
        if k not in skip:
            assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


# ------------------------------------------------------------------------- -shared (tests/shlib sources)

SHLIB = Path(__file__).resolve().parent / "shlib"
ENTRY = "_rt0_arm64_linux_lib"
LIB_VARIANTS = {
    "default": ((), ()),
    "z-now-defs": ((), ("-Wl,-z,now", "-Wl,-z,defs")),
    "bsymbolic": ((), ("-Wl,-Bsymbolic",)),
    "tls-trad": (("-mtls-dialect=trad",), ()),
    "tlsdesc-z-now": (("-mtls-dialect=desc",), ("-Wl,-z,now",)),
    "version-script": ((), (f"-Wl,--version-script={SHLIB / 'api.map'}",)),
    "gc-sections": (("-ffunction-sections", "-fdata-sections"), ("-Wl,--gc-sections",)),
}


class A64Build:
    def __init__(self, root: Path, lddir: str):
        self.root, self.lddir = root, lddir
        root.mkdir(parents=True, exist_ok=True)

    def ld(self, linker):
        return ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]

    def run(self, cmd, cwd=None, check=True):
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=300)
        if check:
            assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {cmd}\n{p.stdout}{p.stderr}"
        return p

    def obj(self, src, *flags, name=None):
        out = self.root / (name or (Path(src).stem + ".o"))
        if not out.exists():
            self.run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", f"-I{SHLIB}", *flags, SHLIB / src, "-o", out])
        return out

    def exe(self, name, src, *flags):
        out = self.root / name
        if not out.exists():
            self.run([H.PREFIX + "gcc", "-fuse-ld=bfd", "-O2", *flags, SHLIB / src, "-o", out])
        return out

    def true_exe(self):
        out = self.root / "true"
        if not out.exists():
            (self.root / "true.c").write_text("int main(void) { return 0; }\n")
            self.run([H.PREFIX + "gcc", "-fuse-ld=bfd", self.root / "true.c", "-o", out])
        return out

    def lib(self, linker, sub, out, inputs, *flags, check=True):
        d = self.root / linker / sub
        d.mkdir(parents=True, exist_ok=True)
        p = self.run([H.PREFIX + "gcc", *self.ld(linker), "-shared", *map(str, inputs), *flags, "-o", d / out],
                     cwd=d, check=check)
        return d / out if p.returncode == 0 else p


def qrun(build, cmd, env=None):
    """(exit, stdout, stderr) of an aarch64 program under qemu; env goes to the guest only (-E)."""
    cwd = Path(cmd[0]).parent
    qenv = []
    for k, v in (env or {}).items():
        qenv += ["-E", f"{k}={v}"]
    p = subprocess.run([H.QEMU, "-L", H.SYSROOT, *qenv, *map(str, cmd)], cwd=cwd, env=run_env_q(cwd),
                       capture_output=True, text=True, errors="replace", timeout=60)
    return p.returncode, p.stdout, p.stderr


def run_env_q(cwd):
    from harness import run_env
    return run_env(cwd, {})


@pytest.fixture(scope="module")
def a64build(tmp_path_factory, braze_lddir):
    return A64Build(tmp_path_factory.mktemp("a64shared"), braze_lddir)


def lib_behaviour(build, lib):
    d = lib.parent
    out = {}
    for mode in ("-no-pie", "-pie"):
        host = d / f"host{mode}"
        if not host.exists():       # the host is linked by bfd: only the library differs
            build.run([H.PREFIX + "gcc", "-fuse-ld=bfd", mode, "-O2", SHLIB / "api_host.c", lib,
                       f"-Wl,-rpath,{d}", "-o", host], cwd=d)
        out[f"link-time {mode}"] = qrun(build, [host], env={"API_DTOR": "1"})
    dl = build.exe("dl_host", "dl_host.c")
    out["dlopen"] = qrun(build, [dl, lib, "api_sum", "api_describe", "api_internal", "api_hidden"],
                         env={"API_DTOR": "1"})
    out["LD_PRELOAD"] = qrun(build, [dl], env={"LD_PRELOAD": str(lib), "API_DTOR": "1"})
    return out


@pytest.mark.parametrize("variant", sorted(LIB_VARIANTS))
def test_shared_library(a64build, variant):
    cflags, ldflags = LIB_VARIANTS[variant]
    obj = a64build.obj("api.c", *cflags, name=f"api-{variant}.o")
    libs = {l: a64build.lib(l, variant, "libapi.so", [obj], "-Wl,-soname,libapi.so", *ldflags)
            for l in ("bfd", "test")}
    ref, got = lib_behaviour(a64build, libs["bfd"]), lib_behaviour(a64build, libs["test"])
    assert ref["dlopen"][0] == 0 and "api_sum -> " in ref["dlopen"][1], f"harness: bfd's library: {ref}"
    for how in ref:
        assert got[how] == ref[how], f"{how}: (exit, stdout, stderr) differ\nbfd:  {ref[how]}\ntest: {got[how]}"
    vb, vt = views(str(libs["bfd"])), views(str(libs["test"]))
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


def test_init_entry_and_lib_main(a64build):
    """The library-init entry (_rt0_arm64_linux_lib: Go's name for arm64) runs once, first, when the
    library is loaded; bfd's library of the same objects is the control (no entry). --lib-main
    starts SYM on a thread from braze's generated aarch64 entry code."""
    dl = a64build.exe("dl_host", "dl_host.c")
    res = {}
    for linker in ("bfd", "test"):
        obj = a64build.obj("entry.c", f"-DENTRY={ENTRY}", "-DCTORS", name="entry-ctors.o")
        lib = a64build.lib(linker, "entry", "libentry.so", [obj])
        log = lib.parent / "init.log"
        runs = {}
        for how in ("dlopen", "LD_PRELOAD"):
            if log.exists():
                log.unlink()
            if how == "dlopen":
                cmd = [dl, lib, "entry_runs", "entry_argc"]
                rc, so, se = qrun(a64build, cmd, env={"INIT_LOG": str(log)})
            else:
                cmd = [a64build.true_exe(), "x", "y"]
                rc, so, se = qrun(a64build, cmd, env={"INIT_LOG": str(log), "LD_PRELOAD": str(lib)})
            assert rc == 0, f"{linker} {how}: {rc}\n{so}{se}"
            runs[how] = (so, log.read_text().splitlines() if log.exists() else [], len(cmd))
        res[linker] = runs
    for how, (so, lines, argc) in res["test"].items():
        ctors = res["bfd"][how][1]
        assert ctors and all(l.startswith("ctor") for l in ctors), f"harness: bfd's ctors: {ctors}"
        assert lines == [f"entry argc={argc}"] + ctors, f"{how}: {lines}"
    assert "R_AARCH64_RELATIVE" in _readelf(str(a64build.root / "test" / "entry" / "libentry.so"), "-r")
    # --lib-main
    lib = a64build.lib("test", "libmain", "liblibmain.so", [a64build.obj("libmain.c")], "-Wl,--lib-main=lib_main")
    cmd = [dl, lib, "main_started", "main_argc_seen", "add_seven"]
    rc, so, se = qrun(a64build, cmd)
    assert (rc, se) == (0, ""), f"{rc}\n{so}{se}"
    assert so == f"main_started -> 1\nmain_argc_seen -> {len(cmd)}\nadd_seven -> 10\n", so
    ref = a64build.lib("bfd", "libmain", "liblibmain.so", [a64build.obj("libmain.c")])
    rc, so, se = qrun(a64build, [dl, ref, "main_started_now", "add_seven"])
    assert so == "main_started_now -> 0\nadd_seven -> 10\n", so


def test_bti_pac_property_note(a64build):
    """.note.gnu.property AARCH64_FEATURE_1_AND: kept (BTI|PAC) when every input has it, dropped
    when one lacks it; readelf -n of the two linkers' libraries must agree."""
    src = a64build.root / "bti.c"
    src.write_text("int bti_fn(int x) { return x * 3; }\n")
    plain = a64build.root / "plain.c"
    plain.write_text("int plain_fn(int x) { return x + 1; }\n")
    bti = a64build.root / "bti.o"
    a64build.run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", "-mbranch-protection=standard", src, "-o", bti])
    nobti = a64build.root / "plain.o"
    a64build.run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", plain, "-o", nobti])
    for name, inputs in (("all-bti", [bti]), ("mixed", [bti, nobti])):
        notes = {}
        for linker in ("bfd", "test"):
            lib = a64build.lib(linker, "bti", f"lib{name}.so", inputs, "-nostdlib")
            notes[linker] = [l.strip() for l in _readelf(str(lib), "-n").splitlines() if "feature" in l.lower()]
        assert notes["test"] == notes["bfd"], notes
        assert bool(notes["bfd"]) == (name == "all-bti"), f"harness: bfd's notes {notes['bfd']}"


def test_go_c_shared_arm64(tmp_path, braze_lddir):
    """Go -buildmode=c-shared cross-built for arm64 (GOARCH=arm64, CC=aarch64-linux-gnu-gcc), linked
    externally by bfd and by the linker under test, loaded by a C host under qemu: same behaviour,
    the Go runtime initialised once (go.o's .init_array slot already calls _rt0_arm64_linux_lib, so
    the linker under test adds none: same INIT_ARRAYSZ), same exported functions."""
    from harness import REPO, need_tool
    go = need_tool("go")
    src = SHLIB / "go"
    cache = REPO / "build" / "gocache"
    cache.mkdir(parents=True, exist_ok=True)
    env = tool_env({"GOCACHE": str(cache), "GOPATH": str(REPO / "build" / "gopath"), "GOFLAGS": "-mod=mod",
                    "GO111MODULE": "on", "GOTOOLCHAIN": "local", "CGO_ENABLED": "1", "GOARCH": "arm64",
                    "CC": H.PREFIX + "gcc"})
    res = {}
    for linker in ("bfd", "test"):
        d = tmp_path / linker
        d.mkdir()
        extld = "-fuse-ld=bfd" if linker == "bfd" else f"-B{braze_lddir}/"
        p = subprocess.run([go, "build", "-buildmode=c-shared", "-o", str(d / "libgo.so"),
                            f"-ldflags=-linkmode=external -extldflags={extld}", "."], cwd=src, env=env,
                           capture_output=True, text=True, timeout=900)
        assert p.returncode == 0, f"{linker}: go build failed\n{p.stdout}{p.stderr}"
        subprocess.run([H.PREFIX + "gcc", "-fuse-ld=bfd", "-O2", str(src / "host.c"), str(d / "libgo.so"),
                        f"-Wl,-rpath,{d}", "-o", str(d / "host")], check=True, env=tool_env())
        lib = str(d / "libgo.so")
        res[linker] = {
            "run": qrun(None, [d / "host"]),
            "INIT_ARRAYSZ": re.findall(r"\(INIT_ARRAYSZ\)\s+(\d+)", _readelf(lib, "-d")),
            "exports": sorted(l.split()[-1] for l in _readelf(lib, "--dyn-syms").splitlines()
                              if " Go" in l and " UND " not in l),
        }
    assert res["bfd"]["run"] == (0, "add=42 inits=1 sum=5050 len=14\n", ""), f"harness: {res['bfd']}"
    for k in res["bfd"]:
        assert res["test"][k] == res["bfd"][k], f"{k}: bfd {res['bfd'][k]!r}, test {res['test'][k]!r}"
