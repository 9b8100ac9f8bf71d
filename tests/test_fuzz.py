"""Property-based robustness test: a corrupt input must never crash braze.

Valid inputs are built at test time (a g++ object with relocations, COMDAT groups, TLS and .eh_frame;
an `ar` archive of two -fPIC objects; a -fPIC shared library linked by ld.bfd with version
definitions and a version requirement; a glibc-style GROUP linker script; a version script). One of
them is mutated (truncated, bytes overwritten, bits flipped, words replaced by boundary values, text
spliced), with mutations aimed mostly at the places a linker indexes through: the ELF header, section
headers, symbol and relocation entries, group sections, .eh_frame records, .dynsym/.dynamic and
the version sections, archive member headers and the archive symbol index.

The property: braze exits 0 or 1; on 1 it printed a `braze: error:` line and no traceback or
internal error, and left no output file (nor temporary) behind. Exit 0 is fine: not every byte
matters to a link.

braze runs in-process (`braze.main.main(argv)`), which is what makes hundreds of links per second
possible. The search is derandomized, so CI sees the same examples every run; BRAZE_FUZZ_EXAMPLES
raises the per-input budget for local runs (e.g. BRAZE_FUZZ_EXAMPLES=5000).
"""
from __future__ import annotations

import contextlib
import io
import os
import resource
import shutil
import signal
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from harness import tool_env

EXAMPLES = int(os.environ.get("BRAZE_FUZZ_EXAMPLES", "60"))
LINK_SECONDS = 20          # one link of these tiny inputs takes milliseconds; more is a hang

MAIN_CC = r"""
extern "C" {
int lib_a(int);
int lib_b(int);
int so_fn(int);
extern int so_data;
extern __thread int ar_tls;
void _start(void);
}
template <class T> T twice(T x) { return x + x; }
inline int counter() { static int n; return ++n; }
static __thread int tls_local = 3;
__thread int tls_zero;
int table[4] = {1, 2, 3, 4};
int (*fptrs[])(int) = {lib_a, lib_b, so_fn};
const char *msg = "hello";
struct S { virtual int f() { return 1; } };
int pick(int x) {
  switch (x) { case 0: return 5; case 1: return 7; case 2: return 11; case 3: return 13;
               case 4: return 17; default: return 0; }
}
extern "C" void _start(void) {
  S s; S *p = &s;
  tls_local++;
  int r = twice(3) + twice(2L) + counter() + tls_local + tls_zero + ar_tls + pick(table[1])
          + fptrs[2](so_data) + p->f() + msg[0];
  asm volatile("mov %0, %%edi; mov $60, %%eax; syscall" :: "r"(r & 0) : "rdi", "rax");
  for (;;) ;
}
"""
A_C = r"""
__thread int ar_tls = 4;
static const char *names[] = {"x", "y"};
int lib_a(int x) { return x + names[x & 1][0]; }
"""
B_C = r"""
extern int lib_a(int);
int lib_b(int x) { return lib_a(x) * 2; }
int b_data = 9;
"""
DEP_C = "int dep_fn(int x) { return x + 1; }\n"
SO_C = r"""
extern int dep_fn(int);
int so_data = 42;
__thread int so_tls __attribute__((tls_model("initial-exec")));   /* no __tls_get_addr: no libc here */
static int helper(int x) { return x * 3; }
int so_fn(int x) { so_tls++; return helper(x) + so_data + dep_fn(x); }
int so_other(void) { return 1; }
"""
DEP_MAP = "DEP_1 { global: dep_fn; local: *; };\n"
SO_MAP = "VERS_1 { global: so_fn; so_data; local: *; };\nVERS_2 { global: so_other; } VERS_1;\n"
# what --version-script gets (a -shared link of main_pic.o): globs, C++ patterns, a dependency
VERSION_SCRIPT = """/* exported API */
API_1.0 {
  global:
    _start; pick;
    extern "C++" { "S::f()"; twice*; };
    table*;
  local: *;
};
API_2.0 { global: msg; fptrs; } API_1.0;
"""


@dataclass
class Target:
    path: Path                  # the valid input (mutated copies replace it in the link)
    argv: list[str]             # link arguments; "{IN}" is the mutated input, "{OUT}" the output
    regions: list[tuple[int, int]]  # (start, end) byte ranges worth aiming at; [] for text inputs
    text: bool = False


def _run(cmd: list[str], cwd: Path) -> None:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, f"harness: `{' '.join(cmd)}` failed\n{p.stderr}"


# ---------------------------------------------------------------- where the interesting bytes are
_ELF_SECTION_WEIGHT = {
    2: 4, 11: 4,            # SHT_SYMTAB, SHT_DYNSYM: every entry has indices
    4: 4,                   # SHT_RELA
    17: 3,                  # SHT_GROUP
    6: 3,                   # SHT_DYNAMIC
    0x6ffffffd: 3, 0x6ffffffe: 3, 0x6fffffff: 3,   # verdef, verneed, versym
    18: 2,                  # SHT_SYMTAB_SHNDX
    3: 1,                   # string tables
    0x6ffffff6: 1, 5: 1,    # hash tables
}


def elf_regions(data: bytes, base: int = 0) -> list[tuple[int, int]]:
    """Byte ranges of an ELF file (at `base` in its container), repeated by how much a corrupt byte
    there can mislead a linker: headers, then tables of indices, then everything else once."""
    out = [(base, base + 64)] * 6
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, = struct.unpack_from("<H", data, 0x3c)
    out += [(base + shoff, base + shoff + 64 * shnum)] * 6
    for i in range(shnum):
        out += [(base + shoff + 64 * i, base + shoff + 64 * i + 64)]
        _n, typ, _f, _a, off, size = struct.unpack_from("<IIQQQQ", data, shoff + 64 * i)
        if typ == 8 or size == 0:
            continue
        w = _ELF_SECTION_WEIGHT.get(typ, 1)
        name_off = struct.unpack_from("<I", data, shoff + 64 * i)[0]
        stroff = struct.unpack_from("<Q", data, shoff + 64 * struct.unpack_from("<H", data, 0x3e)[0] + 24)[0]
        name = data[stroff + name_off:data.index(b"\0", stroff + name_off)]
        if name == b".eh_frame":
            w = 4
        out += [(base + off, base + off + size)] * w
    return out


def ar_regions(data: bytes) -> list[tuple[int, int]]:
    out = [(0, 8)]
    off = 8
    while off + 60 <= len(data):
        size = int(data[off + 48:off + 58].decode().strip())
        name = data[off:off + 16].rstrip()
        out += [(off, off + 60)] * 4
        out += [(off + 48, off + 60)] * 2          # size and terminator
        if name in (b"/", b"/SYM64/"):
            out += [(off + 60, off + 60 + size)] * 6
            out += [(off + 60, off + 64 + 4 * 4)] * 4    # count and the first offsets
        elif name == b"//":
            out += [(off + 60, off + 60 + size)] * 2
        elif data[off + 60:off + 64] == b"\x7fELF":
            out += elf_regions(data[off + 60:off + 60 + size], off + 60)
        off += 60 + size + (size & 1)
    return out


# ---------------------------------------------------------------- inputs
@pytest.fixture(scope="module")
def targets(tmp_path_factory) -> dict[str, Target]:
    return build_targets(tmp_path_factory.mktemp("fuzzinputs"))


def build_targets(d: Path) -> dict[str, Target]:
    for name, text in [("main.cc", MAIN_CC), ("a.c", A_C), ("b.c", B_C), ("dep.c", DEP_C), ("so.c", SO_C),
                       ("dep.map", DEP_MAP), ("so.map", SO_MAP), ("api.map", VERSION_SCRIPT)]:
        (d / name).write_text(text)
    cxx = ["g++", "-c", "-O0", "-fno-exceptions", "-fno-rtti", "-fasynchronous-unwind-tables"]
    _run(cxx + ["-fno-pie", "main.cc", "-o", "main.o"], d)
    _run(cxx + ["-fPIC", "main.cc", "-o", "main_pic.o"], d)
    _run(["gcc", "-c", "-O1", "-fPIC", "a.c", "b.c", "dep.c", "so.c"], d)
    _run(["ar", "rcs", "libab.a", "a.o", "b.o"], d)
    _run(["gcc", "-shared", "-nostdlib", "-fuse-ld=bfd", "-Wl,--version-script=dep.map", "dep.o",
          "-o", "libdep.so"], d)
    _run(["gcc", "-shared", "-nostdlib", "-fuse-ld=bfd", "-Wl,--version-script=so.map", "so.o",
          "-L.", "-ldep", "-o", "libso.so"], d)
    # like glibc's libc.so: a comment, OUTPUT_FORMAT, GROUP with an AS_NEEDED part, absolute paths
    (d / "libgrp.so").write_text(
        "/* GNU ld script\n   Use the shared library, but some functions are only in\n"
        "   the static library.  */\nOUTPUT_FORMAT(elf64-x86-64)\n"
        f"GROUP ( {d}/libab.a AS_NEEDED ( {d}/libso.so ) )\n")

    def p(name):
        return str(d / name)

    exe = ["-e", "_start", "-rpath-link", str(d)]
    main = p("main.o")
    ar = (d / "libab.a").read_bytes()
    so = (d / "libso.so").read_bytes()
    return {
        "object": Target(d / "main.o", ["-o", "{OUT}", *exe, "{IN}", p("libab.a"), p("libso.so")],
                         elf_regions((d / "main.o").read_bytes())),
        "object-shared": Target(d / "main_pic.o", ["-shared", "-o", "{OUT}", "{IN}",
                                                   p("libab.a"), p("libso.so"), p("libdep.so")],
                                elf_regions((d / "main_pic.o").read_bytes())),
        "archive": Target(d / "libab.a", ["-o", "{OUT}", *exe, main, "{IN}", p("libso.so")], ar_regions(ar)),
        "whole-archive": Target(d / "libab.a", ["-shared", "-o", "{OUT}", "--whole-archive", "{IN}",
                                                "--no-whole-archive"], ar_regions(ar)),
        "shared": Target(d / "libso.so", ["-o", "{OUT}", *exe, main, p("libab.a"), "{IN}"], elf_regions(so)),
        "script": Target(d / "libgrp.so", ["-o", "{OUT}", *exe, main, "{IN}"], [], text=True),
        "version-script": Target(d / "api.map", ["-shared", "-o", "{OUT}", "--version-script", "{IN}",
                                                 p("main_pic.o"), p("libab.a"), p("libso.so")], [], text=True),
    }


# ---------------------------------------------------------------- mutations
_WORDS = [0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfff1, 0xfff2, 0xffff, 0x10000,
          0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]
_TEXT_BITS = ["(", ")", "{", "}", ";", ",", ":", '"', "/*", "*/", "#", "*", "\n", " ", "\0", "\udcff",
              "GROUP", "INPUT", "AS_NEEDED", "OUTPUT_FORMAT", "VERSION", "SEARCH_DIR", "ENTRY", "-l",
              "-lnone", "global:", "local:", "extern", '"C++"', "SECTIONS", "/", "=", "@", "@@", "::",
              "[", "?"]
_AR_TEXT = b"0123456789 /-`\n!<>archSYM64"


@st.composite
def binary_mutation(draw, data_len: int, regions: list[tuple[int, int]]):
    if regions and draw(st.integers(0, 9)) < 9:
        lo, hi = draw(st.sampled_from(regions))
        hi = max(lo + 1, min(hi, data_len))
    else:
        lo, hi = 0, data_len
    kind = draw(st.sampled_from(["trunc", "byte", "bit", "w2", "w4", "w8", "text"]))
    if kind in ("w2", "w4", "w8"):
        w = int(kind[1])
        # mostly at a field boundary of the region (ELF records are naturally aligned)
        slots = max(1, (hi - lo) // w)
        off = lo + w * draw(st.integers(0, slots - 1)) if draw(st.booleans()) else draw(st.integers(lo, hi - 1))
        val = draw(st.one_of(st.sampled_from(_WORDS + [data_len, data_len - 1, data_len + 1]),
                             st.integers(0, (1 << 8 * w) - 1)))
        return kind, off, val & ((1 << 8 * w) - 1)
    off = draw(st.integers(lo, hi - 1)) if kind != "trunc" else draw(st.integers(lo, hi))
    if kind == "byte":
        return kind, off, draw(st.integers(0, 255))
    if kind == "bit":
        return kind, off, draw(st.integers(0, 7))
    if kind == "text":
        return kind, off, draw(st.binary(min_size=1, max_size=10).map(
            lambda b: bytes(_AR_TEXT[x % len(_AR_TEXT)] for x in b)))
    return kind, off, 0


def apply_binary(data: bytes, muts) -> bytes:
    b = bytearray(data)
    for kind, off, val in muts:
        if kind == "trunc":
            del b[off:]
        elif off >= len(b):
            continue
        elif kind == "byte":
            b[off] = val
        elif kind == "bit":
            b[off] ^= 1 << val
        elif kind == "text":
            b[off:off + len(val)] = val
            del b[len(data):]
        else:
            w = int(kind[1])
            b[off:off + w] = val.to_bytes(w, "little")[:len(b) - off]
    return bytes(b)


@st.composite
def text_mutation(draw, text_len: int):
    kind = draw(st.sampled_from(["trunc", "delete", "insert", "replace"]))
    off = draw(st.integers(0, text_len))
    if kind == "trunc":
        return kind, off, 0, ""
    n = draw(st.integers(1, 12))
    s = draw(st.sampled_from(_TEXT_BITS)) if kind != "delete" else ""
    return kind, off, n, s


def apply_text(text: str, muts) -> bytes:
    for kind, off, n, s in muts:
        if kind == "trunc":
            text = text[:off]
        elif kind == "delete":
            text = text[:off] + text[off + n:]
        elif kind == "insert":
            text = text[:off] + s + text[off:]
        else:
            text = text[:off] + s + text[off + n:]
    return text.encode("utf-8", "surrogateescape")


# ---------------------------------------------------------------- running braze in-process
class _Hang(BaseException):
    """Not an Exception: braze's catch-all must not swallow it."""


def run_braze(argv: list[str]) -> tuple[int, str]:
    from braze import diag
    from braze.main import main
    import gc
    err = io.StringIO()

    def alarm(_sig, _frame):
        raise _Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # a corrupt size must not make braze allocate the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (min(4 << 30, hard) if hard > 0 else 4 << 30, hard))
    signal.alarm(LINK_SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            rc = main(list(argv))
    except _Hang:
        rc = "hang"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        gc.enable()            # main() turns the cyclic collector off for the rest of the process
        diag._errors.clear()
    return rc, err.getvalue()


def check_link(target: Target, mutated: bytes, work: Path, what: str) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    inp = work / target.path.name
    inp.write_bytes(mutated)
    out = work / "out"
    argv = [str(inp) if a == "{IN}" else str(out) if a == "{OUT}" else a for a in target.argv]
    rc, err = run_braze(argv)
    report = (f"mutation: {what}\n$ braze {' '.join(argv)}\nexit status: {rc}\nstderr:\n{err}\n"
              f"(the mutated input is kept in {inp})")
    assert rc in (0, 1), "braze did not exit with 0 or 1\n" + report
    assert "Traceback" not in err, "Python traceback\n" + report
    assert "internal error" not in err, "braze crashed on a corrupt input\n" + report
    if rc == 1:
        assert any(line.startswith("braze: error: ") for line in err.splitlines()), (
            "exit status 1 without a `braze: error:` line\n" + report)
        left = sorted(x.name for x in work.iterdir() if x.name != inp.name)
        assert not left, f"files left behind after a failed link: {left}\n" + report


FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def test_fuzz_inputs_link_unmodified(targets, tmp_path):
    """The property is only meaningful if the unmutated inputs link."""
    for name, t in targets.items():
        work = tmp_path / name
        work.mkdir()
        shutil.copy(t.path, work / t.path.name)
        out = work / "out"
        argv = [str(work / t.path.name) if a == "{IN}" else str(out) if a == "{OUT}" else a for a in t.argv]
        rc, err = run_braze(argv)
        assert rc == 0 and out.exists(), f"{name}: $ braze {' '.join(argv)}\nexit {rc}\n{err}"


@pytest.mark.parametrize("name", ["object", "object-shared", "archive", "whole-archive", "shared"])
@FUZZ
@given(data=st.data())
def test_fuzz_binary(name, targets, tmp_path, data):
    t = targets[name]
    orig = t.path.read_bytes()
    muts = data.draw(st.lists(binary_mutation(len(orig), t.regions), min_size=1, max_size=3), label="mutations")
    mutated = apply_binary(orig, muts)
    check_link(t, mutated, tmp_path / "w", repr(muts))


@pytest.mark.parametrize("name", ["script", "version-script"])
@FUZZ
@given(data=st.data())
def test_fuzz_text(name, targets, tmp_path, data):
    t = targets[name]
    orig = t.path.read_text()
    muts = data.draw(st.lists(text_mutation(len(orig)), min_size=1, max_size=3), label="mutations")
    check_link(t, apply_text(orig, muts), tmp_path / "w", repr(muts))
