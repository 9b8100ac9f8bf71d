"""Bad input must fail cleanly: non-zero exit (1 for braze), no Python traceback, no output file
left behind, and a diagnostic naming the offending file.

Two layers of checks per case:
  * test_error_generic_*: what any ld must do (passes with BRAZE_LDDIR pointing at ld.bfd too);
  * test_braze_message_*: braze's message format (``braze: error: ...``, exit status exactly 1,
    lld-style ``>>>`` detail lines).  These are braze-specific and fail against ld.bfd.

The linker is run directly with ld-style arguments (the braze console script by default,
``$BRAZE_LDDIR/ld`` when that is set); the C++ case goes through ``g++ -B<lddir>/``.  The inputs
do not need libc: start.c defines ``_start`` itself.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import sh, tool_env

START_C = """
extern void missing_fn(void);
void _start(void) { missing_fn(); for (;;) ; }
"""
OK_C = """
void _start(void) { for (;;) ; }
"""
MAIN_LIB_C = """
extern int lib_fn(void);
void _start(void) { lib_fn(); for (;;) ; }
"""
LIB_C = "int lib_fn(void) { return 1; }\n"
DUP_A_C = """
int dup_fn(void) { return 1; }
void _start(void) { dup_fn(); for (;;) ; }
"""
DUP_B_C = "int dup_fn(void) { return 2; }\n"
TLS_REF_C = """
extern __thread int shared_v;
void _start(void) { shared_v = 1; for (;;) ; }
"""
PLAIN_DEF_C = "int shared_v = 3;\n"
CXX_CC = """
namespace ns { void missing(int); }
int main() { ns::missing(3); return 0; }
"""
# C++ inputs for the other symbol diagnostics (each must show the demangled name)
CXX_DUP_A = "namespace ns { int dup(int x) { return x + 1; } }\nint main() { return ns::dup(1); }\n"
CXX_DUP_B = "namespace ns { int dup(int x) { return x + 2; } }\n"
CXX_CALLER = """
namespace ns { void missing(int); }
void caller(long v) { ns::missing(int(v)); }
int main() { caller(3); return 0; }
"""
CXX_BIG = "namespace ns { char big_block[0x90000000UL]; }\n"          # 2.25 GiB of .bss
CXX_AFTER = "namespace ns { int after_big; }\n"                      # placed after it
CXX_USE_AFTER = """
namespace ns { extern int after_big; }
int main() { return ns::after_big; }
"""
CXX_THING = "namespace ns { int thing; }\n"
CXX_TLS_REF = """
namespace ns { extern thread_local int thing; }
int main() { return ns::thing; }
"""
CXX_ABS_ADDR = """
namespace ns { extern int thing; }
long thing_addr() { return (long)&ns::thing; }
int main() { return thing_addr() == 0; }
"""


def _gcc_c(d: Path, name: str, text: str, compiler="gcc", flags=(), obj_name=None) -> Path:
    src = d / name
    src.write_text(text)
    obj = d / obj_name if obj_name else src.with_suffix(".o")
    p = subprocess.run([compiler, "-c", "-O1", "-fno-asynchronous-unwind-tables", *flags, src.name,
                        "-o", obj.name],
                       cwd=d, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, f"harness: compiling {name} failed\n{p.stderr}"
    return obj


EH_C = """
int eh_fn(int x) { return x * 3; }
void _start(void) { eh_fn(1); for (;;) ; }
"""
GOT_C = "extern int ext_var;\nint get_ext(void) { return ext_var; }\n"
COMDAT_CC = """
inline int twice(int x) { return x + x; }
extern "C" void _start(void) { twice(2); for (;;) ; }
"""
# references from shared libraries (bfd's default for executables: --no-allow-shlib-undefined)
UNDEF_LIB_C = """
extern int lib_missing(void);
extern int lib_optional(void) __attribute__((weak));
int lib_fn(void) { return lib_missing() + (lib_optional ? lib_optional() : 0); }
"""
WEAK_LIB_C = """
extern int lib_optional(void) __attribute__((weak));
int lib_fn(void) { return lib_optional ? lib_optional() : 0; }
"""
MISSING_DEF_C = "int lib_missing(void) { return 2; }\n"
HIDDEN_DEF_C = '__attribute__((visibility("hidden"))) int lib_missing(void) { return 2; }\n'
VER_USER_C = "extern int lib_fn(void);\nint user_fn(void) { return lib_fn(); }\n"
SYMVER_DEF_C = 'int lib_fn_impl(void) { return 5; }\n__asm__(".symver lib_fn_impl,lib_fn@@LIB_1");\n'
MAIN_USER_C = """
extern int user_fn(void);
void _start(void) { user_fn(); for (;;) ; }
"""
IND_C = "int ind_fn(void) { return 4; }\n"
TOP_C = "extern int ind_fn(void);\nint top_fn(void) { return ind_fn(); }\n"
MAIN_IND_C = """
extern int top_fn(void);
extern int ind_fn(void);
void _start(void) { top_fn(); ind_fn(); for (;;) ; }
"""
MAIN_TOP_C = """
extern int top_fn(void);
void _start(void) { top_fn(); for (;;) ; }
"""
BAD_VERSION_SCRIPT = "VERS_1 { global: lib_fn; extern"
LIB_MAP = "LIB_1 { global: lib_fn; local: *; };\n"


def _sections(data: bytes) -> dict[str, tuple[int, int, int, int]]:
    """name -> (section header offset, sh_offset, sh_size, sh_info)."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    stroff, = struct.unpack_from("<Q", data, shoff + 64 * shstrndx + 24)
    out = {}
    for i in range(shnum):
        h = shoff + 64 * i
        name_off, = struct.unpack_from("<I", data, h)
        off, size = struct.unpack_from("<QQ", data, h + 24)
        info, = struct.unpack_from("<I", data, h + 44)
        name = data[stroff + name_off:data.index(b"\0", stroff + name_off)].decode()
        out.setdefault(name, (h, off, size, info))
    return out


def _patched(src: Path, dst: Path, patches: list[tuple[int, str, int]]) -> None:
    data = bytearray(src.read_bytes())
    for off, fmt, val in patches:
        struct.pack_into(fmt, data, off, val)
    dst.write_bytes(bytes(data))


def _corrupt_member(ar: Path, dst: Path, member: str, field: str) -> None:
    """Corrupt the header of archive member ``member``: field 'fmag' or 'size'."""
    data = bytearray(ar.read_bytes())
    assert data[:8] == b"!<arch>\n"
    off = 8
    while off + 60 <= len(data):
        hdr = data[off:off + 60]
        name = hdr[:16].decode().rstrip()
        size = int(hdr[48:58].decode().strip())
        if name.rstrip("/") == member:
            if field == "fmag":
                data[off + 58:off + 60] = b"XX"
            else:
                data[off + 48:off + 58] = b"12ab      "
            dst.write_bytes(bytes(data))
            return
        off += 60 + size + (size & 1)
    raise AssertionError(f"harness: member {member} not found in {ar}")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("errinputs")
    start = _gcc_c(d, "start.c", START_C)
    _gcc_c(d, "ok.c", OK_C)
    _gcc_c(d, "main.c", MAIN_LIB_C)
    _gcc_c(d, "lib.c", LIB_C)
    _gcc_c(d, "dup_a.c", DUP_A_C)
    _gcc_c(d, "dup_b.c", DUP_B_C)
    _gcc_c(d, "tlsref.c", TLS_REF_C)
    _gcc_c(d, "plaindef.c", PLAIN_DEF_C)
    _gcc_c(d, "cxxmain.cc", CXX_CC, compiler="g++")
    for name, text in (("cxxdup_a.cc", CXX_DUP_A), ("cxxdup_b.cc", CXX_DUP_B), ("cxxcaller.cc", CXX_CALLER),
                       ("cxxbig.cc", CXX_BIG), ("cxxafter.cc", CXX_AFTER), ("cxxuseafter.cc", CXX_USE_AFTER),
                       ("cxxthing.cc", CXX_THING), ("cxxtlsref.cc", CXX_TLS_REF)):
        _gcc_c(d, name, text, compiler="g++", flags=("-fno-pie",))
    _gcc_c(d, "cxxabs.cc", CXX_ABS_ADDR, compiler="g++", flags=("-fno-pic",))
    _gcc_c(d, "cxxabs.cc", CXX_ABS_ADDR, compiler="g++", flags=("-fno-pic", "-mcmodel=large"),
           obj_name="cxxabs_large.o")

    data = start.read_bytes()
    (d / "trunc.o").write_bytes(data[:100])
    e_shoff = struct.unpack_from("<Q", data, 0x28)[0]
    _patched(start, d / "shoff.o", [(0x28, "<Q", len(data) + 0x10000)])
    _patched(start, d / "shnum.o", [(0x3C, "<H", 0xFFF0)])
    _patched(start, d / "shentsize.o", [(0x3A, "<H", 0x20)])
    _patched(start, d / "secoff.o", [(e_shoff + 64 * 1 + 0x18, "<Q", len(data) + 0x100000)])
    _patched(start, d / "aarch64.o", [(0x12, "<H", 183)])

    p = subprocess.run(["ar", "rcs", "lib.a", "lib.o"], cwd=d, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr

    # crash classes found by test_fuzz.py, each as one targeted corruption
    okd = (d / "ok.o").read_bytes()
    secs = _sections(okd)
    _patched(d / "ok.o", d / "align.o", [(secs[".text"][0] + 48, "<Q", 1 << 40)])
    _patched(d / "ok.o", d / "bss.o", [(secs[".bss"][0] + 32, "<Q", 1 << 50)])
    eh = _gcc_c(d, "eh.c", EH_C, flags=["-fasynchronous-unwind-tables"])
    rela = _sections(eh.read_bytes())[".rela.eh_frame"]
    _patched(eh, d / "ehsym.o", [(rela[1] + 12, "<I", 0x7fff)])      # r_info's symbol of the first entry
    got = _gcc_c(d, "got.c", GOT_C, flags=["-fPIC"])
    rela = _sections(got.read_bytes())[".rela.text"]
    _patched(got, d / "addend.o", [(rela[1] + 16, "<q", 1 << 40)])     # r_addend of the GOTPCREL
    cd = _gcc_c(d, "comdat.cc", COMDAT_CC, compiler="g++", flags=["-O0"]).read_bytes()
    grp = _sections(cd)[".group"]
    symtab = _sections(cd)[".symtab"]
    sig = symtab[1] + 24 * grp[3]
    _patched(d / "comdat.o", d / "groupsig.o", [(sig + 4, "<B", 0x13), (sig + 6, "<H", 0xfeff)])
    (d / "bad.map").write_text(BAD_VERSION_SCRIPT)
    (d / "bad.rsp").write_text('ok.o "unterminated\n')
    (d / "lib.map").write_text(LIB_MAP)
    libpic = _gcc_c(d, "libpic.c", LIB_C, flags=["-fPIC"])
    p = subprocess.run(["gcc", "-shared", "-nostdlib", "-fuse-ld=bfd", "-Wl,--version-script=lib.map",
                        libpic.name, "-o", "libv.so"], cwd=d, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    so = (d / "libv.so").read_bytes()
    ss = _sections(so)
    vd = ss[".gnu.version_d"][1]
    _patched(d / "libv.so", d / "verdef.so", [(vd + 12, "<I", 0x100000)])     # vd_aux of the first entry
    _patched(d / "libv.so", d / "versym.so", [(ss[".gnu.version"][0] + 32, "<Q", 2)])
    _patched(d / "libv.so", d / "dynlink.so", [(ss[".dynsym"][0] + 40, "<I", 0x7fff)])
    _shlib_inputs(d)
    _corrupt_member(d / "lib.a", d / "badfmag.a", "lib.o", "fmag")
    _corrupt_member(d / "lib.a", d / "badsize.a", "lib.o", "size")
    return d


def _shared(d: Path, out: str, obj: Path, *flags: str) -> None:
    p = subprocess.run(["gcc", "-shared", "-nostdlib", "-fuse-ld=bfd", obj.name, *flags, "-o", out], cwd=d,
                       capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr


def _shlib_inputs(d: Path) -> None:
    """Libraries with undefined references: libundef.so (lib_missing, and a weak lib_optional),
    libweak.so (only the weak one); libvuser.so needs lib_fn@LIB_1 of libv.so, which v2/libv.so
    defines only as LIB_2; libtop.so needs libind.so, which alone defines ind_fn."""
    _shared(d, "libundef.so", _gcc_c(d, "undeflib.c", UNDEF_LIB_C, flags=["-fPIC"]))
    _shared(d, "libweak.so", _gcc_c(d, "weaklib.c", WEAK_LIB_C, flags=["-fPIC"]))
    _shared(d, "libmissing.so", _gcc_c(d, "missingdef.c", MISSING_DEF_C, flags=["-fPIC"]))
    _shared(d, "libvuser.so", _gcc_c(d, "vuser.c", VER_USER_C, flags=["-fPIC"]), "libv.so")
    _gcc_c(d, "mainuser.c", MAIN_USER_C)
    _gcc_c(d, "hiddendef.c", HIDDEN_DEF_C, flags=["-fPIC"])
    _gcc_c(d, "symverdef.c", SYMVER_DEF_C)
    (d / "v2").mkdir()
    (d / "v2.map").write_text("LIB_2 { global: lib_fn; local: *; };\n")
    _shared(d, "v2/libv.so", d / "libpic.o", "-Wl,--version-script=v2.map", "-Wl,-soname,libv.so")
    _shared(d, "libind.so", _gcc_c(d, "ind.c", IND_C, flags=["-fPIC"]), "-Wl,-soname,libind.so")
    _shared(d, "libtop.so", _gcc_c(d, "top.c", TOP_C, flags=["-fPIC"]), "-L.", "-lind")
    _gcc_c(d, "mainind.c", MAIN_IND_C)
    _gcc_c(d, "maintop.c", MAIN_TOP_C)


DSO_MISSING_ARGS = ["-rpath-link", ".", "mainind.o", "libtop.so"]


@dataclass
class ErrCase:
    args: list[str]              # after `-o out`
    names: list[str]             # must be named in the diagnostic
    phrase: str | None = None    # braze's message must contain this (after "error: ")


CASES = {
    "truncated_object": ErrCase(["trunc.o"], ["trunc.o"]),
    "shoff_past_eof": ErrCase(["shoff.o"], ["shoff.o"]),
    "shnum_huge": ErrCase(["shnum.o"], ["shnum.o"]),
    "shentsize_wrong": ErrCase(["shentsize.o"], ["shentsize.o"]),
    "section_data_past_eof": ErrCase(["secoff.o"], ["secoff.o"]),
    "wrong_machine": ErrCase(["aarch64.o"], ["aarch64.o"]),
    "archive_bad_fmag": ErrCase(["main.o", "badfmag.a"], ["badfmag.a"]),
    "archive_bad_size": ErrCase(["main.o", "badsize.a"], ["badsize.a"]),
    "section_alignment_huge": ErrCase(["align.o"], ["align.o"], "alignment"),
    "bss_size_huge": ErrCase(["bss.o"], ["bss.o"], "too large"),
    "eh_frame_reloc_symbol": ErrCase(["ehsym.o"], ["ehsym.o", ".eh_frame"], "symbol index"),
    "reloc_addend_overflow": ErrCase(["-shared", "addend.o"], ["addend.o", ".text"], "GOTPCREL"),
    "group_signature_section": ErrCase(["groupsig.o"], ["groupsig.o"], "section group"),
    "shared_verdef_corrupt": ErrCase(["main.o", "verdef.so"], ["verdef.so"], ".gnu.version_d"),
    "shared_versym_short": ErrCase(["main.o", "versym.so"], ["versym.so"], ".gnu.version"),
    "shared_dynsym_link": ErrCase(["main.o", "dynlink.so"], ["dynlink.so"], ".dynsym"),
    "version_script_truncated": ErrCase(["-shared", "--version-script", "bad.map", "lib.o"], ["bad.map"],
                                        "version script"),
    # bfd reads the unterminated quote to the end of the file: a file name that does not exist
    "response_file_unbalanced_quote": ErrCase(["@bad.rsp"], ["unterminated"], "cannot open"),
    "unknown_option": ErrCase(["--frobnicate", "ok.o"], ["--frobnicate"], "unknown option: --frobnicate"),
    "undefined_symbol": ErrCase(["start.o"], ["start.o", "missing_fn"], "undefined symbol: missing_fn"),
    "duplicate_symbol": ErrCase(["dup_a.o", "dup_b.o"], ["dup_a.o", "dup_b.o", "dup_fn"],
                                "duplicate symbol: dup_fn"),
    "tls_mismatch": ErrCase(["tlsref.o", "plaindef.o"], ["tlsref.o", "plaindef.o", "shared_v"],
                            "TLS reference in tlsref.o mismatches non-TLS definition in plaindef.o"),
    # bfd: "libundef.so: undefined reference to `lib_missing'" (not lib_optional: weak)
    "shlib_undefined_allow_then_unresolved": ErrCase(
        ["--allow-shlib-undefined", "--unresolved-symbols=ignore-in-object-files", "main.o", "libundef.so"],
        ["libundef.so", "lib_missing"], "libundef.so: undefined reference to `lib_missing'"),
    "shlib_undefined": ErrCase(["main.o", "libundef.so"], ["libundef.so", "lib_missing"],
                               "libundef.so: undefined reference to `lib_missing'"),
    "shlib_undefined_pie": ErrCase(["-pie", "main.o", "libundef.so"], ["libundef.so", "lib_missing"],
                                   "libundef.so: undefined reference to `lib_missing'"),
    "shlib_undefined_shared_no_allow": ErrCase(["-shared", "--no-allow-shlib-undefined", "libundef.so"],
                                               ["libundef.so", "lib_missing"],
                                               "libundef.so: undefined reference to `lib_missing'"),
    # the library needs lib_fn in version LIB_1; the libv.so given defines it only in LIB_2
    "shlib_undefined_version": ErrCase(["mainuser.o", "libvuser.so", "v2/libv.so"], ["libvuser.so", "lib_fn@LIB_1"],
                                       "libvuser.so: undefined reference to `lib_fn@LIB_1'"),
    # bfd: "out: hidden symbol `lib_missing' in hiddendef.o is referenced by DSO" (also with
    # --allow-shlib-undefined)
    "shlib_ref_to_hidden": ErrCase(["--allow-shlib-undefined", "main.o", "hiddendef.o", "libundef.so"],
                                   ["hiddendef.o", "lib_missing"],
                                   "hidden symbol `lib_missing' in hiddendef.o is referenced by DSO"),
    # ... and so does a regular definition of plain lib_fn
    "shlib_undefined_version_regular": ErrCase(["mainuser.o", "libpic.o", "libvuser.so"],
                                               ["libvuser.so", "lib_fn@LIB_1"],
                                               "libvuser.so: undefined reference to `lib_fn@LIB_1'"),
    # bfd: "mainind.o: undefined reference to symbol 'ind_fn'" + "./libind.so: error adding symbols: DSO
    # missing from command line"
    "dso_missing_from_command_line": ErrCase(DSO_MISSING_ARGS, ["mainind.o", "ind_fn"],
                                             "mainind.o: undefined reference to symbol 'ind_fn'"),
}


def _run_direct(direct_ld, inputs: Path, tmp_path: Path, args: list[str]):
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    out = work / "out"
    assert not out.exists()
    cmd = [*direct_ld, "-o", "out", *args]
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace",
                       env=tool_env(), timeout=120)
    return cmd, p, out


def _report(cmd, p) -> str:
    return f"$ {sh(cmd)}\nexit status: {p.returncode}\nstderr:\n{p.stderr}\nstdout:\n{p.stdout}"


def _error_blocks(stderr: str, prefixes: tuple[str, ...]) -> list[str]:
    """Each ``<prog>: error: ...`` line together with the ``>>>`` lines that follow it."""
    blocks, cur = [], None
    for line in stderr.splitlines():
        if any(line.startswith(pre + ": error: ") for pre in prefixes):
            cur = [line]
            blocks.append(cur)
        elif cur is not None and line.startswith(">>>"):
            cur.append(line)
        else:
            cur = None
    return ["\n".join(b) for b in blocks]


def _prefixes() -> tuple[str, ...]:
    # Run as the `braze` console script the prefix must be `braze`; run through an `ld`
    # (BRAZE_LDDIR, or gcc -B) braze may introduce itself as `ld`.
    return ("braze", "ld") if os.environ.get("BRAZE_LDDIR") else ("braze",)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_error_generic(case, direct_ld, inputs, tmp_path):
    c = CASES[case]
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, c.args)
    assert p.returncode > 0, "expected a failing link\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr + p.stdout, "Python traceback in the output\n" + _report(cmd, p)
    assert not out.exists(), "the output file exists after a failed link\n" + _report(cmd, p)
    for n in c.names:
        assert n in p.stderr, f"the diagnostic does not mention {n!r}\n" + _report(cmd, p)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_braze_message(case, direct_ld, inputs, tmp_path):
    c = CASES[case]
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, c.args)
    assert p.returncode == 1, "braze must exit with status 1 on errors\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr + p.stdout, "Python traceback in the output\n" + _report(cmd, p)
    blocks = _error_blocks(p.stderr, _prefixes())
    assert blocks, "no `braze: error: ...` line on stderr\n" + _report(cmd, p)
    if c.phrase:
        blocks = [b for b in blocks if c.phrase in b.splitlines()[0]]
        assert blocks, f"no error line containing {c.phrase!r}\n" + _report(cmd, p)
    for n in c.names:
        assert any(n in b for b in blocks), (
            f"the error message does not name {n!r} (it must be in the `error:` line or its `>>>` lines)\n"
            + _report(cmd, p))
    if case == "undefined_symbol":
        assert any(">>> referenced by" in b for b in blocks), "no `>>> referenced by` line\n" + _report(cmd, p)
        assert any(re.search(r"^>>> .*start\.o", b, re.M) for b in blocks), (
            "the `>>>` lines do not name the referencing object start.o\n" + _report(cmd, p))
    assert not out.exists(), "the output file exists after a failed link\n" + _report(cmd, p)


# links that must succeed with any GNU-compatible ld despite the libraries' undefined references
SHLIB_OK = {
    "allow_shlib_undefined": ["--allow-shlib-undefined", "main.o", "libundef.so"],
    "ignore_in_shared_libs": ["--unresolved-symbols=ignore-in-shared-libs", "main.o", "libundef.so"],
    "shared_default": ["-shared", "libundef.so"],
    "weak_only": ["main.o", "libweak.so"],
    "hidden_definition_in_shared": ["-shared", "hiddendef.o", "libundef.so"],
    "defined_by_executable": ["main.o", "missingdef.o", "libundef.so"],
    "defined_by_later_library": ["main.o", "libundef.so", "libmissing.so"],
    # a regular definition in that version (.symver) satisfies a versioned reference (lib_fn@LIB_1)
    "versioned_ref_regular_def": ["mainuser.o", "symverdef.o", "libvuser.so"],
    "versioned_ref_indirect_lib": ["-rpath-link", ".", "mainuser.o", "libvuser.so"],
    # when the libraries' references are not checked bfd does not read their DT_NEEDED either (no "DSO
    # missing" error): ind_fn is an ordinary undefined symbol, which ignore-all lets through
    "dso_missing_not_checked": ["--unresolved-symbols=ignore-all", *DSO_MISSING_ARGS],
    # --unresolved-symbols=ignore-in-object-files is also --no-allow-shlib-undefined (the later wins)
    "unresolved_symbols_then_allow": ["--unresolved-symbols=ignore-in-object-files", "--allow-shlib-undefined",
                                      "main.o", "libundef.so"],
}


@pytest.mark.parametrize("case", list(SHLIB_OK), ids=list(SHLIB_OK))
def test_shlib_references_accepted(case, direct_ld, inputs, tmp_path):
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, SHLIB_OK[case])
    assert p.returncode == 0 and out.exists(), "expected a successful link\n" + _report(cmd, p)


def test_shlib_undefined_warning(direct_ld, inputs, tmp_path):
    """--warn-unresolved-symbols: the library's reference is a warning naming it, and the link succeeds."""
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, ["--warn-unresolved-symbols", "main.o", "libundef.so"])
    assert p.returncode == 0 and out.exists(), _report(cmd, p)
    assert re.search(r"warning: .*libundef\.so: .*undefined reference to `lib_missing'|"
                     r"libundef\.so: warning: undefined reference to `lib_missing'", p.stderr), _report(cmd, p)
    assert "lib_optional" not in p.stderr, _report(cmd, p)


def test_dso_missing_from_command_line(direct_ld, inputs, tmp_path):
    """Only the indirect libind.so defines ind_fn: the link stops naming it, and nothing else is reported
    (bfd stops reading inputs there)."""
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, DSO_MISSING_ARGS)
    assert p.returncode > 0 and not out.exists(), _report(cmd, p)
    assert re.search(r"libind\.so: error adding symbols: DSO missing from command line$", p.stderr, re.M), (
        _report(cmd, p))
    assert "libtop.so" not in p.stderr, _report(cmd, p)


def test_needed_library_not_found_warning(direct_ld, inputs, tmp_path):
    """A DT_NEEDED library that cannot be found is a warning; the library's own undefined references
    are still errors (bfd 2.40 reports them whether or not its dependencies were found)."""
    cmd, p, out = _run_direct(direct_ld, inputs, tmp_path, ["maintop.o", "libtop.so"])
    assert p.returncode > 0, _report(cmd, p)
    assert "libind.so, needed by libtop.so, not found (try using -rpath or -rpath-link)" in p.stderr, _report(cmd, p)
    assert re.search(r"libtop\.so: undefined reference to `ind_fn'", p.stderr), _report(cmd, p)
    assert not out.exists(), _report(cmd, p)


def _cxx_link(braze_lddir, inputs: Path, tmp_path: Path):
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    out = work / "out"
    cmd = ["g++", f"-B{braze_lddir}/", "cxxmain.o", "-o", "out"]
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace", env=tool_env(),
                       timeout=300)
    return cmd, p, out


def test_cxx_undefined_demangled_generic(braze_lddir, inputs, tmp_path):
    cmd, p, out = _cxx_link(braze_lddir, inputs, tmp_path)
    assert p.returncode != 0, _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)
    assert "ns::missing(int)" in p.stderr, "the undefined C++ symbol is not demangled\n" + _report(cmd, p)
    assert "cxxmain.o" in p.stderr, "the referencing object is not named\n" + _report(cmd, p)
    assert not out.exists(), _report(cmd, p)


def test_braze_message_cxx_undefined(braze_lddir, inputs, tmp_path):
    cmd, p, out = _cxx_link(braze_lddir, inputs, tmp_path)
    blocks = _error_blocks(p.stderr, ("braze", "ld"))
    blocks = [b for b in blocks if "undefined symbol: ns::missing(int)" in b.splitlines()[0]]
    assert blocks, "no `error: undefined symbol: ns::missing(int)` line\n" + _report(cmd, p)
    assert any(">>> referenced by" in b and "cxxmain.o" in b for b in blocks), _report(cmd, p)
    assert "_ZN2ns7missingEi" not in blocks[0].splitlines()[0], "mangled name in the message\n" + _report(cmd, p)


@dataclass
class CxxDiag:
    """A failing C++ link (through g++) whose diagnostic must name ``demangled`` and never the
    mangled form.  ``generic``: ld.bfd demangles this one too (so the check is linker-neutral);
    otherwise bfd prints the mangled name and only braze is held to it."""
    args: list[str]
    demangled: str
    mangled: str
    generic: bool = True


CXX_DIAGS = {
    "undefined_in_function": CxxDiag(["-pie", "cxxcaller.o"], "ns::missing(int)", "_ZN2ns7missingEi"),
    "undefined_referencing_function": CxxDiag(["-pie", "cxxcaller.o"], "caller(long)", "_Z6callerl"),
    "duplicate": CxxDiag(["-pie", "cxxdup_a.o", "cxxdup_b.o"], "ns::dup(int)", "_ZN2ns3dupEi"),
    "overflow": CxxDiag(["-no-pie", "cxxbig.o", "cxxafter.o", "cxxuseafter.o"], "ns::after_big",
                        "_ZN2ns9after_bigE"),
    # bfd: "_ZN2ns5thingE: TLS reference in cxxtlsref.o mismatches non-TLS definition in cxxthing.o ..."
    "tls_mismatch": CxxDiag(["-pie", "cxxtlsref.o", "cxxthing.o"], "ns::thing", "_ZN2ns5thingE", generic=False),
    # bfd: "relocation R_X86_64_32 against symbol `_ZN2ns5thingE' can not be used when making a PIE object"
    "pic_required": CxxDiag(["-pie", "cxxabs.o", "cxxthing.o"], "ns::thing", "_ZN2ns5thingE", generic=False),
    # bfd: "relocation against `_ZN2ns5thingE' in read-only section `.text'" + "read-only segment has
    # dynamic relocations"
    "textrel": CxxDiag(["-pie", "-Wl,-z,text", "cxxabs_large.o", "cxxthing.o"], "ns::thing",
                       "_ZN2ns5thingE", generic=False),
}
GENERIC_CXX_DIAGS = [k for k, v in CXX_DIAGS.items() if v.generic]


def _cxx_diag_link(braze_lddir, inputs: Path, tmp_path: Path, args: list[str]):
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    out = work / "out"
    cmd = ["g++", f"-B{braze_lddir}/", *args, "-o", "out"]
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace", env=tool_env(),
                       timeout=300)
    assert p.returncode != 0, "expected a failing link\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr, "Python traceback in the output\n" + _report(cmd, p)
    assert not out.exists(), "the output file exists after a failed link\n" + _report(cmd, p)
    return cmd, p


@pytest.mark.parametrize("case", GENERIC_CXX_DIAGS, ids=GENERIC_CXX_DIAGS)
def test_cxx_diagnostic_demangled_generic(case, braze_lddir, inputs, tmp_path):
    c = CXX_DIAGS[case]
    cmd, p = _cxx_diag_link(braze_lddir, inputs, tmp_path, c.args)
    assert c.demangled in p.stderr, f"the diagnostic does not name {c.demangled!r}\n" + _report(cmd, p)
    assert c.mangled not in p.stderr, f"mangled name {c.mangled!r} in the diagnostic\n" + _report(cmd, p)


@pytest.mark.parametrize("case", list(CXX_DIAGS), ids=list(CXX_DIAGS))
def test_braze_message_cxx_demangled(case, braze_lddir, inputs, tmp_path):
    c = CXX_DIAGS[case]
    cmd, p = _cxx_diag_link(braze_lddir, inputs, tmp_path, c.args)
    if case == "textrel":
        # (as bfd: the warning names the symbol, the error that follows does not)
        assert re.search(rf"warning: relocation against `{re.escape(c.demangled)}'", p.stderr) and \
            "error: read-only segment has dynamic relocations" in p.stderr, _report(cmd, p)
    else:
        blocks = _error_blocks(p.stderr, ("braze", "ld"))
        assert any(c.demangled in b for b in blocks), (
            f"no `error:` block naming {c.demangled!r}\n" + _report(cmd, p))
    assert c.mangled not in p.stderr, f"mangled name {c.mangled!r} in the output\n" + _report(cmd, p)


def test_braze_message_textrel_warning_demangled(braze_lddir, inputs, tmp_path):
    """Without -z text the same input links (DT_TEXTREL) and the warning names the symbol."""
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    cmd = ["g++", f"-B{braze_lddir}/", "-pie", "cxxabs_large.o", "cxxthing.o", "-o", "out"]
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace", env=tool_env(),
                       timeout=300)
    assert p.returncode == 0, _report(cmd, p)
    assert re.search(r"warning: .*relocation against `ns::thing' in read-only section `\.text'", p.stderr), (
        "no demangled text-relocation warning\n" + _report(cmd, p))


@pytest.mark.parametrize("opt", ["--no-demangle", "--demangle"])
def test_cxx_demangle_option(opt, braze_lddir, inputs, tmp_path):
    """--no-demangle shows mangled names in diagnostics (as GNU ld); --demangle restores the default."""
    cmd, p = _cxx_diag_link(braze_lddir, inputs, tmp_path, ["-pie", f"-Wl,{opt}", "cxxcaller.o"])
    mangled, demangled = "_ZN2ns7missingEi", "ns::missing(int)"
    want, unwanted = (mangled, demangled) if opt == "--no-demangle" else (demangled, mangled)
    assert want in p.stderr, f"{want!r} not in the diagnostic\n" + _report(cmd, p)
    assert unwanted not in p.stderr, f"{unwanted!r} in the diagnostic\n" + _report(cmd, p)


# a failed link removes an output file left by an earlier link (bfd's unlink_if_ordinary), except
# when the command line itself is rejected; ld.bfd run on the same inputs says which
# (the cases where only braze fails are left out: bfd accepts those inputs)
BFD_ACCEPTS = {"section_alignment_huge", "bss_size_huge", "group_signature_section"}
# errors bfd finds while it parses the command line (options, files named by options)
OPTION_TIME = {"unknown_option", "usage_error", "version_script_truncated", "version_script_missing",
               "dynamic_list_missing"}
STALE_CASES = {**{k: c.args for k, c in CASES.items() if k not in BFD_ACCEPTS},
               "usage_error": ["--no-such-option", "start.o"],
               "missing_library": ["start.o", "-lno_such_library_here"],
               "missing_input": ["start.o", "no_such_input.o"],
               "version_script_missing": ["--version-script=no_such.map", "start.o"],
               "dynamic_list_missing": ["--dynamic-list=no_such.list", "start.o"]}


@pytest.mark.parametrize("case", list(STALE_CASES), ids=list(STALE_CASES))
def test_failed_link_removes_stale_output(case, direct_ld, inputs, tmp_path):
    kept = {}
    for name, ld in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        work = tmp_path / name
        shutil.copytree(inputs, work)
        (work / "out").write_bytes(b"an earlier link's output\n")
        cmd = [*ld, "-o", "out", *STALE_CASES[case]]
        p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace",
                           env=tool_env(), timeout=120)
        assert p.returncode != 0, "expected a failing link\n" + _report(cmd, p)
        assert "Traceback" not in p.stderr, _report(cmd, p)
        kept[name] = (work / "out").exists()
    assert kept["test"] == kept["bfd"], f"old output kept: bfd {kept['bfd']}, braze {kept['test']}"
    assert kept["bfd"] == (case in OPTION_TIME)         # the test can fail: both outcomes occur
