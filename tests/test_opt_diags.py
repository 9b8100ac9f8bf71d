"""Diagnostic options against ld.bfd: -t/--trace, -y/--trace-symbol, --dependency-file, --warn-common
(and bfd's own common alignment/size warnings), --fatal-warnings/--no-fatal-warnings/-w,
--warn-unresolved-symbols/--error-unresolved-symbols, and the .gnu.warning.SYM texts glibc's
libc.so.6 carries (tmpnam, tempnam, mktemp).

Every link is made twice, from identical copies of the inputs in two directories: with ld.bfd
(`gcc -fuse-ld=bfd`, or `ld.bfd` directly) and with the linker under test (`gcc -B<lddir>/`, or it
directly).  Compared: stdout (-t) and stderr exactly, with one normalisation: the program-name
prefix at the start of a line (`/usr/bin/ld.bfd:`, `ld:`, `braze:`) becomes `ld:` (see _norm);
the exit status (zero or not); whether an output file exists; the dependency file byte for byte;
and where the link succeeds, readelf views of the symbols the options affect.  Sources:
tests/c/diags_*.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import sh, tool_env

C = Path(__file__).resolve().parent / "c"
_PREFIX = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze): ", re.M)


def _norm(text: str) -> str:
    """The only normalisation: the linker's program name at the start of a line."""
    return _PREFIX.sub("ld: ", text)


def _run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                       env=env or tool_env(), timeout=300)
    return p


def _cc(args, cwd):
    p = _run(["gcc", *args], cwd)
    assert p.returncode == 0, f"$ gcc {sh(args)}\n{p.stderr}"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Objects, an archive and two shared libraries (built with bfd) for every test here."""
    d = tmp_path_factory.mktemp("diags-inputs")
    for src in ("main", "arch1", "arch2", "arch3"):
        _cc(["-fPIE", "-fcommon", "-c", str(C / "diags_trace" / f"{src}.c"), "-o", f"{src}.o"], d)
    p = _run(["ar", "rcs", "libdarch.a", "arch1.o", "arch2.o", "arch3.o"], d)
    assert p.returncode == 0, p.stderr
    _cc(["-fPIE", "-c", str(C / "diags_common" / "late.c"), "-o", "whole.o"], d)
    p = _run(["ar", "rcs", "libdwhole.a", "whole.o"], d)
    assert p.returncode == 0, p.stderr
    for so in ("so", "unused"):
        _cc(["-fuse-ld=bfd", "-shared", "-fPIC", str(C / "diags_trace" / f"{so}.c"), "-o", f"libd{so}.so"], d)
    for f in sorted((C / "diags_common").glob("*.c")):
        _cc(["-fcommon", "-fno-pie", "-c", str(f), "-o", f"common_{f.stem}.o"], d)
    _cc(["-fuse-ld=bfd", "-shared", "-fPIC", str(C / "diags_warn" / "libundef.c"), "-o", "libdundef.so"], d)
    for f in ("gw", "undef", "oldapi", "user1", "user2", "usesundef"):
        _cc(["-fPIE", "-c", str(C / "diags_warn" / f"{f}.c"), "-o", f"{f}.o"], d)
    for f in ("gw", "undef", "user1", "user2"):
        _cc(["-fPIE", "-g", "-c", str(C / "diags_warn" / f"{f}.c"), "-o", f"{f}_g.o"], d)
    p = _run(["ar", "rcs", "libdold.a", "oldapi.o"], d)
    assert p.returncode == 0, p.stderr
    _cc(["-fno-pie", "-c", str(C / "diags_warn" / "undef.c"), "-o", "undef_nopie.o"], d)
    (d / "sub").mkdir()
    # a script naming its inputs relative to itself, a GROUP and a library by -l
    (d / "sub" / "inputs.ld").write_text("INPUT(main.o)\nGROUP(libdarch.a -ldso)\n")
    shutil.copy(d / "main.o", d / "sub" / "main.o")
    return d


def _two_links(inputs: Path, tmp_path: Path, bfd_cmd, test_cmd):
    """Run the same link in two copies of the inputs; (bfd result, test result, dirs)."""
    out = {}
    for label, cmd in (("bfd", bfd_cmd), ("test", test_cmd)):
        work = tmp_path / label
        shutil.copytree(inputs, work)
        p = _run(cmd, work)
        out[label] = (p, work)
    return out["bfd"], out["test"]


def _gcc_pair(braze_lddir, inputs, tmp_path, args):
    return _two_links(inputs, tmp_path, ["gcc", "-fuse-ld=bfd", *args, "-o", "prog"],
                      ["gcc", f"-B{braze_lddir}/", *args, "-o", "prog"])


def _ld_pair(direct_ld, inputs, tmp_path, args):
    return _two_links(inputs, tmp_path, ["ld.bfd", *args, "-o", "prog"], [*direct_ld, *args, "-o", "prog"])


def _same_messages(bfd, test, what=""):
    (pb, wb), (pt, wt) = bfd, test
    report = (f"{what}\n--- bfd (exit {pb.returncode}) stdout:\n{pb.stdout}\nstderr:\n{pb.stderr}"
              f"\n--- under test (exit {pt.returncode}) stdout:\n{pt.stdout}\nstderr:\n{pt.stderr}")
    assert (pb.returncode == 0) == (pt.returncode == 0), report
    assert _norm(pt.stdout) == _norm(pb.stdout), report
    assert _norm(pt.stderr) == _norm(pb.stderr), report
    assert (wb / "prog").exists() == (wt / "prog").exists(), report
    return report


TRACE_LINK = ["main.o", "-L.", "libdarch.a", "-Wl,--as-needed", "-ldso", "-ldunused", "-lm", "-Wl,--no-as-needed"]


@pytest.mark.parametrize("flags", [["-Wl,-t"], ["-Wl,--trace"], ["-Wl,-t,-t"]], ids=["t", "trace", "t-t"])
def test_trace_gcc_link(braze_lddir, inputs, tmp_path, flags):
    """-t through gcc: crt files, objects, the archive (and with -t -t its loaded members), -l
    libraries as found, glibc's libc.so script and the files of its GROUP (libc_nonshared.a and
    ld-linux again on bfd's group rescan), --as-needed libraries kept or dropped, same order."""
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, [*flags, *TRACE_LINK])
    report = _same_messages(bfd, test)
    assert bfd[0].returncode == 0, report
    assert "libc.so.6" in bfd[0].stdout, report


@pytest.mark.parametrize("flags", [["-t"], ["-t", "-t"]], ids=["t", "t-t"])
def test_trace_script_and_group(direct_ld, inputs, tmp_path, flags):
    """A linker script (INPUT found next to the script, GROUP with an archive and -l), an explicit
    --start-group, a repeated archive and --whole-archive, run directly (no libc)."""
    args = [*flags, "-e", "main", "--unresolved-symbols=ignore-all", "-L.", "sub/inputs.ld",
            "--start-group", "libdarch.a", "-ldunused", "--end-group", "libdarch.a",
            "--whole-archive", "libdwhole.a", "--no-whole-archive"]
    _same_messages(*_ld_pair(direct_ld, inputs, tmp_path, args))


def test_trace_symbol(braze_lddir, inputs, tmp_path):
    """Several -y (both spellings, attached and separate): definitions and references in objects, an
    archive member, crt files, a common, a weak reference, shared libraries' definitions and
    references (dropped --as-needed ones too), a name nothing mentions."""
    ys = ["-Wl,-y,arch_fn", "-Wl,--trace-symbol=so_fn", "-Wl,-yshared_common", "-Wl,-y,main",
          "-Wl,-y,weak_hook", "-Wl,-y,printf", "-Wl,-y,cos", "-Wl,-y,__gmon_start__", "-Wl,-y,unused_fn",
          "-Wl,-y,__libc_start_main", "-Wl,-y,_dl_argv", "-Wl,-y,no_such_symbol"]
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, [*ys, *TRACE_LINK])
    report = _same_messages(bfd, test)
    assert "definition of so_fn" in bfd[0].stderr, report


def test_trace_and_symbol_together(braze_lddir, inputs, tmp_path):
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, ["-Wl,-t", "-Wl,-y,arch_helper", *TRACE_LINK])
    _same_messages(bfd, test)


def test_dependency_file(braze_lddir, inputs, tmp_path):
    """--dependency-file: the same make rules, byte for byte (bfd lists each file it opens: a script
    found by -l three times, ld-linux again at the end for libc.so.6's DT_NEEDED)."""
    args = ["-Wl,--dependency-file=deps.d", *TRACE_LINK]
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, args)
    report = _same_messages(bfd, test)
    want = (bfd[1] / "deps.d").read_text()
    got = (test[1] / "deps.d").read_text() if (test[1] / "deps.d").exists() else "<missing>"
    assert got == want, f"{report}\n--- bfd deps.d:\n{want}\n--- under test:\n{got}"


def test_dependency_file_failed_link(direct_ld, inputs, tmp_path):
    """bfd writes the dependency file even when the link fails."""
    args = ["--dependency-file=deps.d", "-e", "main", "main.o"]      # arch_fn etc. undefined
    bfd, test = _ld_pair(direct_ld, inputs, tmp_path, args)
    assert bfd[0].returncode != 0 and test[0].returncode != 0
    assert not (test[1] / "prog").exists()
    assert (test[1] / "deps.d").read_text() == (bfd[1] / "deps.d").read_text()


COMMON_ORDERS = {
    "multiple": ["main.o", "same.o"],
    "larger-later": ["main.o", "big.o"],
    "smaller-later": ["main.o", "small.o"],
    "def-later": ["main.o", "def.o"],
    "def-first": ["late_def.o", "late.o", "main.o"],
    "def-smaller-aligned": ["main.o", "def_small.o"],
    "common-after-def": ["def_small.o", "main.o"],
    "weak-first": ["def_weak.o", "main.o"],
    "weak-later": ["main.o", "def_weak.o"],
    "all": ["main.o", "same.o", "big.o", "small.o", "def.o", "def_small.o", "def_weak.o", "late.o",
            "late_def.o"],
}


def _symbols(path: Path, names) -> list[str]:
    """name, size, type, bind and section *name* of each symbol (addresses may differ)."""
    secs = {}
    for line in _run(["readelf", "-SW", str(path)], path.parent).stdout.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if m:
            secs[m.group(1)] = m.group(2)
    out = []
    for line in _run(["readelf", "-sW", str(path)], path.parent).stdout.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] in names and f[0].endswith(":"):
            out.append(f"{f[7]} size={f[2]} {f[3]} {f[4]} {secs.get(f[6], f[6])}")
    return sorted(out)


@pytest.mark.parametrize("warn_common", [True, False], ids=["warn-common", "default"])
@pytest.mark.parametrize("order", list(COMMON_ORDERS), ids=list(COMMON_ORDERS))
def test_warn_common(direct_ld, inputs, tmp_path, order, warn_common):
    """Each --warn-common case in bfd's words (multiple common; overriding smaller / overridden by
    larger common; definition overriding common; common overridden by definition), bfd's alignment
    and size warnings (printed without the option too), and which definition wins (readelf)."""
    objs = [f"common_{o[:-2]}.o" for o in COMMON_ORDERS[order]]
    args = (["--warn-common"] if warn_common else []) + ["-e", "main", *objs]
    bfd, test = _ld_pair(direct_ld, inputs, tmp_path, args)
    report = _same_messages(bfd, test)
    assert bfd[0].returncode == 0, report
    names = {"same", "grows", "shrinks", "defined_later", "aligned", "weakdef", "commonlater"}
    assert _symbols(test[1] / "prog", names) == _symbols(bfd[1] / "prog", names), report


@pytest.mark.parametrize("objs", [["common_main.o", "common_same.o"],
                                  ["common_main.o", "common_same.o", "common_def_small.o"]],
                         ids=["ld-warnings", "bfd-library-warnings"])
@pytest.mark.parametrize("flags,fails", [
    (["--fatal-warnings"], True),
    (["--fatal-warnings", "--no-fatal-warnings"], False),
    (["--no-fatal-warnings", "--fatal-warnings"], True),
    (["-w"], False),
    (["--no-warnings"], False),
    (["-w", "--fatal-warnings"], None),
], ids=["fatal", "fatal-then-no", "no-then-fatal", "w", "no-warnings", "w-and-fatal"])
def test_fatal_and_no_warnings(direct_ld, inputs, tmp_path, flags, fails, objs):
    """Links whose only problems are warnings: --warn-common's (ld's own) and the alignment/size ones
    (printed by bfd's library: -w does not silence them, and with --fatal-warnings they fail the link
    even under -w).  With --fatal-warnings the link fails (non-zero, no output file) after printing
    them as warnings; -w silences ld's own warnings and overrides --fatal-warnings for them."""
    args = [*flags, "--warn-common", "-e", "main", *objs]
    bfd, test = _ld_pair(direct_ld, inputs, tmp_path, args)
    report = _same_messages(bfd, test)
    if fails is None:
        fails = "common_def_small.o" in objs
    assert (bfd[0].returncode != 0) == fails, report
    assert (test[1] / "prog").exists() == (not fails), report


@pytest.mark.parametrize("obj,extra", [("gw.o", []), ("gw.o", ["-Wl,--fatal-warnings"]), ("gw_g.o", []),
                                       ("gw.o", ["-static"]), ("gw_g.o", ["-static"])],
                         ids=["plain", "fatal", "debug", "static", "static-debug"])
def test_glibc_shared_library_warnings(braze_lddir, inputs, tmp_path, obj, extra):
    """libc.so.6's .gnu.warning.tmpnam/tempnam/mktemp: bfd's `FILE: in function `F':` and
    `SRC:(.text+0xOFF): warning: the use of ...` lines (`/DIR/gw.c:LINE:` for an object built with
    -g: DWARF line table), in the library's section order; -static: libc.a's members' sections,
    in the order the members are loaded.  The program still runs the same (unless
    --fatal-warnings made the link fail)."""
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, [*extra, obj])
    report = _same_messages(bfd, test)
    assert "tmpnam" in bfd[0].stderr, report
    if not extra:
        rb = _run([str(bfd[1] / "prog")], bfd[1])
        rt = _run([str(test[1] / "prog")], test[1])
        assert (rt.returncode, rt.stdout) == (rb.returncode, rb.stdout), report


@pytest.mark.parametrize("mode", [["-pie"], ["-no-pie"], ["-pie", "-g"]], ids=["pie", "nopie", "pie-debug"])
@pytest.mark.parametrize("flags,fails", [
    (["-Wl,--warn-unresolved-symbols"], False),
    (["-Wl,--error-unresolved-symbols,--warn-unresolved-symbols"], False),
    (["-Wl,--warn-unresolved-symbols,--fatal-warnings"], True),
    (["-Wl,--warn-unresolved-symbols,--warn-once"], False),
], ids=["warn", "error-then-warn", "warn-fatal", "warn-once"])
def test_warn_unresolved_symbols(braze_lddir, inputs, tmp_path, flags, fails, mode):
    """--warn-unresolved-symbols: each reference in bfd's located warning form (five in a row for one
    symbol, then `more undefined references ... follow`; --warn-once: the first reference of each
    symbol only), and the link succeeds.  The program never
    calls the missing functions: -no-pie, both programs run the same.  bfd's PIE does not load
    (bfd 2.40 writes a .rela.plt entry of type 0 for them: `unexpected PLT reloc type 0x00`), so
    there only braze's is run; braze imports the functions (dynsym + JUMP_SLOT), and a call would
    end with the loader's `symbol lookup error`."""
    obj = {"-pie": "undef.o", "-no-pie": "undef_nopie.o", "-g": "undef_g.o"}[mode[-1]]
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, [mode[0], *flags, obj])
    report = _same_messages(bfd, test)
    assert (bfd[0].returncode != 0) == fails, report
    if not fails:
        rt = _run([str(test[1] / "prog")], test[1])
        if mode[0] == "-pie":
            assert rt.returncode == 0, report + rt.stderr
        else:
            rb = _run([str(bfd[1] / "prog")], bfd[1])
            assert (rt.returncode, rt.stdout) == (rb.returncode, rb.stdout), report


@pytest.mark.parametrize("flags", [["-Wl,--warn-unresolved-symbols"], ["-Wl,--warn-unresolved-symbols,-w"],
                                   ["-Wl,--warn-unresolved-symbols,--fatal-warnings"]],
                         ids=["warn", "warn-w", "warn-fatal"])
def test_warn_unresolved_in_shared_library(braze_lddir, inputs, tmp_path, flags):
    """A shared library's own undefined reference under --warn-unresolved-symbols: bfd's
    `LIB: warning: undefined reference to `SYM'`; -w silences it, --fatal-warnings fails the link."""
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, [*flags, "usesundef.o", "-L.", "-ldundef"])
    report = _same_messages(bfd, test)
    if "-w" not in flags[0]:
        assert "lib_missing" in bfd[0].stderr, report


def test_error_unresolved_symbols(braze_lddir, inputs, tmp_path):
    """--warn-unresolved-symbols then --error-unresolved-symbols: an error again (braze words its
    undefined-symbol errors its own way, so only the outcome is compared)."""
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path,
                          ["-Wl,--warn-unresolved-symbols,--error-unresolved-symbols", "undef.o"])
    assert bfd[0].returncode != 0 and test[0].returncode != 0, test[0].stderr
    assert not (test[1] / "prog").exists()
    assert "missing_a" in test[0].stderr


@pytest.mark.parametrize("order", [
    ["oldapi.o", "user1.o", "user2.o"],          # warnings read before any reference
    ["user1.o", "user2.o", "oldapi.o"],          # references first
    ["user2.o", "oldapi.o", "user1.o"],          # one of each
    ["user2.o", "-L.", "-ldold", "user1.o"],     # from an archive member
    ["user1_g.o", "user2_g.o", "oldapi.o"],      # with line information
    ["oldapi.o", "user2_g.o", "user1_g.o"],
], ids=["warning-first", "references-first", "mixed", "archive", "debug", "debug-warning-first"])
def test_object_symbol_warnings(braze_lddir, inputs, tmp_path, order):
    """.gnu.warning.SYM in an object or archive member, for two symbols: bfd warns once per symbol,
    when the section is read if SYM is referenced by then (at the first referencing file's first
    reference), else at the next reference; same lines, same order."""
    bfd, test = _gcc_pair(braze_lddir, inputs, tmp_path, order)
    report = _same_messages(bfd, test)
    assert "deprecated" in bfd[0].stderr and "obsolete" in bfd[0].stderr, report
