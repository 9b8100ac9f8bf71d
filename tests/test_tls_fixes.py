"""TLS fixes, each against ld.bfd: the same objects (tests/c/tlsfix_*) linked by bfd and by the linker
under test, both programs run, and readelf/objdump views compared.

* TLSDESC (-mtls-dialect=gnu2) in executables: the local-dynamic base _TLS_MODULE_BASE_ relaxed to LE,
  GDesc -> LE and GDesc -> IE; pie, nopie, static, static-pie, each also with --no-relax (bfd relaxes
  TLS regardless); and a -shared library using it unrelaxed.
* Thread-local COMMON symbols (`.tls_common`): in .tbss (one copy per thread), the largest size and
  alignment of several commons, a real definition winning; executables in every mode and access
  model, and -shared libraries (GD, TLSDESC).
* -mcmodel=large -fPIC GD/LD sequences (`movabs $__tls_get_addr@PLTOFF,%rax; add %rbx,%rax;
  call *%rax`): GD -> LE, GD -> IE, LD -> LE in executables, unrelaxed in -shared.

What is compared: stdout/stderr/exit status (the programs also start a thread, which must see fresh
copies of every TLS variable); PT_TLS sizes and alignment; .tdata/.tbss sizes, flags, alignment;
every STT_TLS symbol (value, size, binding, section) in .symtab and .dynsym; the dynamic relocations
other than RELATIVE (type, symbol, its value, addend; offsets are layout); and the bytes of the
functions holding the rewritten sequences (objdump, with only PC-relative displacements to other
places, call targets and movabs immediates masked: those depend on layout, not on the relaxation).
"""
from __future__ import annotations

import difflib
import os
import pprint
import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, need_tool, run_env, sh, tool_env

SRC = Path(__file__).resolve().parent / "c"
LINKERS = ("bfd", "test")
DYNAMIC = ("pie", "nopie")
EXE_MODES = {               # mode -> (cflags of objects that do not choose their own, link flags)
    "pie": (("-fPIE",), ("-pie",)),
    "nopie": (("-fno-pie",), ("-no-pie",)),
    "static": (("-fno-pie",), ("-static",)),
    "static-pie": (("-fPIE",), ("-static-pie",)),
}


class Build:
    """Compiles once per flag set, links per linker ('bfd' or 'test') into its own directory."""

    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir
        self.links: dict = {}

    def ld(self, linker: str) -> list[str]:
        return ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]

    def run(self, cmd, cwd=None):
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=300)
        assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p

    def obj(self, stem: str, *flags: str) -> Path:
        tag = re.sub(r"[^A-Za-z0-9]+", "_", "".join(flags)) or "plain"
        out = self.root / f"{stem}-{tag}.o"
        if not out.exists():
            src = SRC / f"{stem}.c"
            self.run(["gcc", "-c", "-O2", "-pthread", *flags, src if src.exists() else SRC / f"{stem}.s", "-o", out])
        return out

    def link(self, linker: str, name: str, inputs, *flags: str) -> tuple[Path, str]:
        """The output and the linker's messages (compared: bfd and braze must warn alike)."""
        if (linker, name) in self.links:
            return self.links[linker, name]
        d = self.root / linker
        d.mkdir(exist_ok=True)
        out = d / name
        p = self.run(["gcc", *self.ld(linker), "-pthread", *map(str, inputs), *flags, "-o", out], cwd=d)
        r = self.links[linker, name] = out, re.sub(r"^\S*(ld(\.bfd)?|braze): ", "LD: ", p.stderr, flags=re.M)
        return r


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    for tool in ("readelf", "objdump"):
        need_tool(tool)
    return Build(tmp_path_factory.mktemp("tlsfix"), braze_lddir)


def run(exe: Path):
    p = subprocess.run([str(exe)], cwd=exe.parent, env=run_env(exe.parent, {}), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def _readelf(path: Path, *opts: str) -> str:
    return subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True, check=True,
                          env=tool_env()).stdout


def tls_view(path: Path) -> dict:
    """Everything about the TLS block that does not depend on where the linker put it."""
    view: dict = {}
    m = re.search(r"^\s*TLS\s+\S+\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)", _readelf(path, "-l"), re.M)
    view["PT_TLS filesz memsz align"] = m.groups() if m else None
    names = {}
    for line in _readelf(path, "-S").splitlines():
        s = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(\S*)\s+\d+\s+\d+\s+(\d+)$", line)
        if s:
            names[s.group(1)] = s.group(2)
            if s.group(2) in (".tdata", ".tbss"):
                view[s.group(2)] = (s.group(3), s.group(4), s.group(5), s.group(6))
    syms, table = [], None
    for line in _readelf(path, "-s").splitlines():
        t = re.match(r"Symbol table '(\S+)'", line)
        if t:
            table = t.group(1)
            continue
        f = line.split()
        if len(f) >= 8 and f[3] == "TLS":
            syms.append((table, f[7], f[1], f[2], f[4], f[5], names.get(f[6], f[6])))
    view["TLS symbols"] = sorted(syms)
    rels = []
    for line in _readelf(path, "-r").splitlines():
        f = line.split()
        # (R_X86_64_NONE left out: bfd's -static-pie keeps an unused .rela.plt slot, written as NONE,
        # for the undefined __tls_get_addr its relaxed calls named; braze allocates none)
        if len(f) >= 4 and f[2].startswith("R_X86_64_") and not f[2].endswith(("RELATIVE", "_NONE")):
            rels.append(tuple(f[2:]))
    view["dynamic relocations"] = sorted(rels)
    return view


_RIP = re.compile(r"-?0x[0-9a-f]+\(%rip\)")


def code_view(path: Path, funcs) -> dict:
    """objdump of each function: bytes and text, masking only what layout decides (displacements to
    other places, call targets, movabs immediates such as the large model's GOT offsets)."""
    out = {}
    for fn in funcs:
        text = subprocess.run(["objdump", "-d", "--no-addresses", "--insn-width=16", f"--disassemble={fn}",
                               str(path)], capture_output=True, text=True, check=True, env=tool_env()).stdout
        body = text.split(f"<{fn}>:", 1)
        assert len(body) == 2, f"{fn} not found in {path}"
        insns = []
        for line in body[1].split("\n\n", 1)[0].strip("\n").splitlines():
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            raw, asm = parts[1].split(), parts[2].split("#")[0].strip()
            mnem = asm.split()[0] if asm else ""
            if "(%rip)" in asm:
                raw = raw[:-4] + ["XX"] * 4 if "$" not in asm else raw[:3] + ["XX"]
                asm = _RIP.sub("X(%rip)", asm)
            elif mnem == "movabs":
                raw = raw[:-8] + ["XX"] * 8
                asm = re.sub(r"\$0x[0-9a-f]+", "$X", asm)
            elif mnem in ("call", "jmp") and "*" not in asm and raw[-5] in ("e8", "e9"):
                raw = raw[:-4] + ["XX"] * 4
                asm = mnem
            insns.append(f"{' '.join(raw):<45} {asm}")
        out[fn] = insns
    return out


def compare(build, outs: dict, funcs=(), label=""):
    """outs: linker -> (program to run or None, file whose views are compared, link messages)."""
    ref = {}
    for linker, (prog, elf, msgs) in outs.items():
        got = {"link messages": msgs, "TLS": tls_view(elf), "code": code_view(elf, funcs)}
        if prog is not None:
            got["run"] = run(prog)
        if linker == "bfd":
            ref = got
            assert got.get("run", (0,))[0] == 0, f"{label}: bfd's program failed: {got['run']}"
            continue
        for k in ref:
            if got[k] != ref[k]:
                diff = difflib.unified_diff(pprint.pformat(ref[k], width=150).splitlines(),
                                            pprint.pformat(got[k], width=150).splitlines(), "bfd", linker,
                                            lineterm="")
                pytest.fail(f"{label}: {k} differs from bfd's\n" + "\n".join(diff), pytrace=False)


def expect(obj: Path, *needles: str) -> Path:
    """Self-check of the suite: the compiler really produced what the test exercises."""
    text = _readelf(obj, "-rs")
    missing = [n for n in needles if not re.search(n, text)]
    assert not missing, f"{obj.name}: the compiler did not emit {missing}"
    return obj


# ------------------------------------------------------------------------------------- TLSDESC

DESC_FUNCS = ("tf_touch", "tf_gdesc", "tf_ie")


def _lib(build, linker, name, stem, *cflags, ldflags=()):
    obj = build.obj(stem, "-fPIC", *cflags)
    return build.link(linker, name, [obj], "-shared", f"-Wl,-soname,{name}", *ldflags)


# (-static-pie --no-relax is left out: bfd's own program crashes, rcrt1.o's self-relocation needs its
# GOTPCRELX references relaxed)
@pytest.mark.parametrize("mode,relax", [(m, r) for m in EXE_MODES for r in ("relax", "no-relax")
                                        if (m, r) != ("static-pie", "no-relax")])
def test_tlsdesc_executable(build, mode, relax):
    """_TLS_MODULE_BASE_ must relax to TP itself: the DTPOFF32 offsets after it are TP offsets."""
    dynamic = mode in DYNAMIC
    obj = expect(build.obj("tlsfix_desc", "-fPIC", "-mtls-dialect=gnu2", *(() if dynamic else ("-DNO_EXT",))),
                 r"R_X86_64_GOTPC32_TLSDESC +0+ _TLS_MODULE_BASE_", r"R_X86_64_TLSDESC_CALL +0+ _TLS_MODULE_BASE_",
                 r"R_X86_64_GOTPC32_TLSDESC +0+ tf_global", r"R_X86_64_DTPOFF32 .* tf_b",
                 *((r"R_X86_64_GOTPC32_TLSDESC +0+ tf_ext",) if dynamic else ()))
    ld = EXE_MODES[mode][1] + (("-Wl,--no-relax",) if relax == "no-relax" else ())
    outs = {}
    lib = None
    if dynamic:     # bfd builds the library for both: only the executable differs
        lib, _ = _lib(build, "bfd", "libtfdesc.so", "tlsfix_desc_lib", "-mtls-dialect=gnu2")
    for linker in LINKERS:
        inputs = [obj] + ([lib, f"-Wl,-rpath,{lib.parent}"] if lib else [])
        exe, msgs = build.link(linker, f"desc-{mode}-{relax}", inputs, *ld)
        outs[linker] = (exe, exe, msgs)
    compare(build, outs, DESC_FUNCS, f"tlsdesc {mode} {relax}")


@pytest.mark.parametrize("ldflags", [(), ("-Wl,-z,now",)], ids=["lazy", "z-now"])
def test_tlsdesc_shared(build, ldflags):
    """-shared: TLSDESC stays a descriptor, _TLS_MODULE_BASE_ is the block start."""
    tag = "-".join(f.split(",")[-1] for f in ldflags) or "lazy"
    main = build.obj("tlsfix_desc", "-fPIE", "-mtls-dialect=gnu2")
    outs = {}
    for linker in LINKERS:
        lib, msgs = _lib(build, linker, f"libtfdesc-{tag}.so", "tlsfix_desc_lib", "-mtls-dialect=gnu2",
                         ldflags=ldflags)
        exe, _ = build.link("bfd", f"desc-host-{linker}-{tag}", [main, lib, f"-Wl,-rpath,{lib.parent}"], "-pie")
        outs[linker] = (exe, lib, msgs)
    compare(build, outs, ("tf_lib_local",), f"tlsdesc -shared {tag}")


# -------------------------------------------------------------------------------- TLS commons

COMMON_SRCS = ("tlsfix_common_main", "tlsfix_common_a", "tlsfix_common_b")
COMMON_MODES = {           # name -> (exe mode, object flags): LE, IE->LE, GD->LE, GDesc->LE accesses
    "pie": ("pie", ("-fPIE",)),
    "nopie": ("nopie", ("-fno-pie",)),
    "static": ("static", ("-fno-pie",)),
    "static-pie": ("static-pie", ("-fPIE",)),
    "pie-fpic-gd": ("pie", ("-fPIC",)),
    "pie-fpic-gnu2": ("pie", ("-fPIC", "-mtls-dialect=gnu2")),
    "nopie-fpic-gd": ("nopie", ("-fPIC",)),
}


@pytest.mark.parametrize("order", ["main-first", "def-first"])
@pytest.mark.parametrize("variant", list(COMMON_MODES))
def test_tls_common_executable(build, variant, order):
    mode, cflags = COMMON_MODES[variant]
    objs = [build.obj(s, *cflags) for s in COMMON_SRCS]
    for o in objs[:2]:
        expect(o, r"TLS +GLOBAL DEFAULT +COM tf_multi", r"TLS +GLOBAL DEFAULT +COM tf_cdef")
    expect(objs[2], r"TLS +GLOBAL DEFAULT +COM tf_multi", r"TLS +GLOBAL DEFAULT +\d+ tf_cdef")
    if order == "def-first":        # the definition seen before the commons
        objs.reverse()
    outs = {}
    for linker in LINKERS:
        exe, msgs = build.link(linker, f"common-{variant}-{order}", objs, *EXE_MODES[mode][1])
        outs[linker] = (exe, exe, msgs)
    compare(build, outs, ("tf_bump_a", "tf_bump_b"), f"tls common {variant} {order}")


@pytest.mark.parametrize("dialect", ["gd", "gnu2"])
def test_tls_common_shared(build, dialect):
    cflags = ("-mtls-dialect=gnu2",) if dialect == "gnu2" else ()
    main = build.obj("tlsfix_common_libmain", "-fPIE")
    outs = {}
    for linker in LINKERS:
        lib, msgs = _lib(build, linker, f"libtfcommon-{dialect}.so", "tlsfix_common_lib", *cflags)
        expect(build.obj("tlsfix_common_lib", "-fPIC", *cflags), r"TLS +GLOBAL DEFAULT +COM tf_libc",
               r"R_X86_64_(TLSGD|GOTPC32_TLSDESC) .* tf_libc")
        exe, _ = build.link("bfd", f"common-host-{linker}-{dialect}", [main, lib, f"-Wl,-rpath,{lib.parent}"],
                            "-pie")
        outs[linker] = (exe, lib, msgs)
    compare(build, outs, ("tf_lib_bump",), f"tls common -shared {dialect}")


# --------------------------------------------------------------------------- -mcmodel=large

LARGE_FUNCS = ("tf_gd_le", "tf_ld_le", "tf_gd_ie", "tf_r15")


@pytest.mark.parametrize("mode", list(EXE_MODES))
def test_large_model_executable(build, mode):
    dynamic = mode in DYNAMIC
    obj = expect(build.obj("tlsfix_large", "-fPIC", "-mcmodel=large", *(() if dynamic else ("-DNO_EXT",))),
                 r"R_X86_64_TLSGD .* tf_gd", r"R_X86_64_TLSLD .* tf_la", r"R_X86_64_PLTOFF64 .* __tls_get_addr",
                 *((r"R_X86_64_TLSGD .* tf_lext",) if dynamic else ()))
    r15 = build.obj("tlsfix_large_r15")
    lib = None
    if dynamic:
        lib, _ = _lib(build, "bfd", "libtflarge.so", "tlsfix_large_lib", "-mcmodel=large")
    outs = {}
    for linker in LINKERS:
        inputs = [obj, r15] + ([lib, f"-Wl,-rpath,{lib.parent}"] if lib else [])
        exe, msgs = build.link(linker, f"large-{mode}", inputs, *EXE_MODES[mode][1])
        outs[linker] = (exe, exe, msgs)
    compare(build, outs, LARGE_FUNCS, f"large model {mode}")


def test_large_model_shared(build):
    main = [build.obj("tlsfix_large", "-fPIE", "-mcmodel=large"), build.obj("tlsfix_large_r15")]
    outs = {}
    for linker in LINKERS:
        lib, msgs = _lib(build, linker, "libtflarge-s.so", "tlsfix_large_lib", "-mcmodel=large")
        expect(build.obj("tlsfix_large_lib", "-fPIC", "-mcmodel=large"), r"R_X86_64_TLSGD .* tf_lext",
               r"R_X86_64_TLSLD", r"R_X86_64_PLTOFF64 .* __tls_get_addr")
        exe, _ = build.link("bfd", f"large-host-{linker}", [*main, lib, f"-Wl,-rpath,{lib.parent}"], "-pie")
        outs[linker] = (exe, lib, msgs)
    compare(build, outs, ("tf_large_lib",), "large model -shared")


def test_large_model_unknown_sequence_fails(build, braze_lddir):
    """A large-model call that is not `add %rbx|%r15,%rax` (here %rcx) cannot be relaxed: bfd fails the
    link, and so must the linker under test, with an error naming the object and no output left."""
    src = (SRC / "tlsfix_large_r15.s").read_text()
    bad = build.root / "tlsfix_large_rcx.s"
    bad.write_text(src.replace("addq\t%r15, %rax", "addq\t%rcx, %rax"))
    assert bad.read_text() != src
    obj = build.root / "tlsfix_large_rcx.o"
    build.run(["gcc", "-c", bad, "-o", obj])
    main = build.obj("tlsfix_large", "-fPIC", "-mcmodel=large", "-DNO_EXT")
    for linker in LINKERS:
        d = build.root / linker
        d.mkdir(exist_ok=True)
        out = d / "large-rcx"
        p = subprocess.run(["gcc", *build.ld(linker), "-pie", str(main), str(obj), "-o", str(out)], cwd=d,
                           env=tool_env(), capture_output=True, text=True)
        assert p.returncode != 0, f"{linker} linked an unrelaxable sequence"
        assert not out.exists()
        if linker == "test":
            assert re.search(r"tlsfix_large_rcx\.o.*TLS transition", p.stderr), p.stderr
            assert "Traceback" not in p.stderr
            if not os.environ.get("BRAZE_LDDIR"):       # braze's own message format
                assert "braze: error: " in p.stderr, p.stderr
