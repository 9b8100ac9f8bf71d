"""The questions people ask a linker (src/braze/explain.py), each compared with the linker that has
the option: bfd for -Map's archive-member and as-needed sections, --print-gc-sections, --cref and -y on the
linker-defined symbols; ld.lld for --why-extract, --print-archive-stats and --time-trace's format.
--why-live (lld 16+; ld.lld 14 here has none) is checked against the link itself: the chain it
prints must end in a root and name only sections the link kept. Undefined-symbol hints: lld's two
hints (a near spelling, C code calling a C++ function) word for word as ld.lld prints them; the
others against the inputs (the named file really defines the name; nm).

Every link runs in its own copy of the inputs; messages are compared after replacing the program
name at the start of a line (`/usr/bin/ld.bfd:`, `ld.lld:`, `braze:`) with `ld:`. Sources:
tests/c/explain_arch (archives, a C++ pair) and tests/c/explain_undef (undefined-symbol causes).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import sh, tool_env

C = Path(__file__).resolve().parent / "c"
_PREFIX = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd|\.lld)?|braze): ", re.M)


def _norm(text: str) -> str:
    return _PREFIX.sub("ld: ", text)


def _run(cmd, cwd, check=False):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, errors="replace",
                       env=tool_env(), timeout=300)
    if check:
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("explain-inputs")
    a = C / "explain_arch"
    for f in ("main", "m1", "m2", "m3", "m4", "a_very_long_member_file_name_for_map", "start"):
        _run(["gcc", "-O2", "-fPIE", "-fcommon", "-ffunction-sections", "-fdata-sections", "-c", a / f"{f}.c",
              "-o", f"{f}.o"], d, check=True)
    _run(["gcc", "-O2", "-fno-pie", "-fcommon", "-c", a / "main.c", "-o", "main_nopie.o"], d, check=True)
    _run(["gcc", "-O0", "-fno-builtin", "-fPIE", "-c", a / "usesm.c", "-o", "usesm.o"], d, check=True)
    for f in ("cxxmain", "cxxdef", "cxxio"):
        _run(["g++", "-O2", "-c", a / f"{f}.cc", "-o", f"{f}.o"], d, check=True)
    for f in ("inl1", "inl2"):
        _run(["g++", "-O0", "-ffunction-sections", "-c", a / f"{f}.cc", "-o", f"{f}.o"], d, check=True)
    _run(["ar", "rcs", "libex1.a", "m1.o", "m2.o", "m4.o", "a_very_long_member_file_name_for_map.o"], d, check=True)
    _run(["ar", "rcs", "libex2.a", "m3.o"], d, check=True)
    _run(["ar", "rcs", "libexcxx.a", "cxxdef.o"], d, check=True)
    u = C / "explain_undef"
    for f in sorted(u.iterdir()):
        cc = "g++" if f.suffix == ".cc" else "gcc"
        pic = ["-fPIC"] if f.stem in ("lib", "hidden_lib") else []
        _run([cc, "-O0", *pic, "-c", f, "-o", f"u_{f.stem}{'_cc' if f.suffix == '.cc' else ''}.o"], d, check=True)
    (d / "hiddenlibs").mkdir()
    _run(["gcc", "-fuse-ld=bfd", "-shared", "u_lib.o", "-o", "hiddenlibs/libexplainlib.so"], d, check=True)
    _run(["gcc", "-fuse-ld=bfd", "-shared", "-fvisibility=hidden", "-fPIC", u / "hidden_lib.c",
          "-o", "libexplainhid.so"], d, check=True)
    return d


def _links(inputs, tmp_path, cmds: dict):
    """{label: (CompletedProcess, dir)}: each command run in its own copy of the inputs."""
    out = {}
    for label, cmd in cmds.items():
        work = tmp_path / label
        shutil.copytree(inputs, work)
        out[label] = (_run(cmd, work), work)
    return out


def _gcc(ld, args, cxx=False):
    """A gcc (g++) link with bfd, lld or the linker under test (ld = its directory)."""
    driver = "g++" if cxx else "gcc"
    sel = {"bfd": ["-fuse-ld=bfd"], "lld": ["-fuse-ld=lld"]}.get(ld, [f"-B{ld}/"])
    return [driver, *sel, *args, "-o", "prog"]


def _report(res) -> str:
    return "\n".join(f"--- {k} (exit {p.returncode})\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
                     for k, (p, _d) in res.items())


ARCH_LINK = ["main.o", "-L.", "-lex1", "-lex2"]


# ---------------------------------------------------------------- --why-extract, --print-archive-stats (lld)

@pytest.mark.parametrize("args,cxx", [
    (ARCH_LINK, False),
    (["-Wl,-u,never", *ARCH_LINK], False),                       # -u: lld's `<internal>`
    (["main.o", "-L.", "-Wl,--whole-archive", "-lex2", "-Wl,--no-whole-archive", "-lex1"], False),
    (["main.o", "-Wl,--start-group", "libex2.a", "libex1.a", "-Wl,--end-group"], False),
    (["cxxmain.o", "-L.", "-lexcxx"], True),                    # a C++ name, demangled as lld does
], ids=["plain", "u", "whole-archive", "group", "cxx"])
@pytest.mark.parametrize("dest", ["file", "stdout"])
def test_why_extract_and_archive_stats_like_lld(braze_lddir, inputs, tmp_path, args, cxx, dest):
    """The same two reports as ld.lld writes, byte for byte: why each member was extracted (the
    referencing file, the member, the symbol) and each archive use's member/extracted counts
    (libgcc.a four times and libc_nonshared.a, as gcc's command line and glibc's scripts name
    them), to files or to stdout ('-')."""
    if dest == "file":
        opts = ["-Wl,--why-extract=why.txt", "-Wl,--print-archive-stats=stats.txt"]
    else:
        opts = ["-Wl,--why-extract=-", "-Wl,--print-archive-stats=-"]
    res = _links(inputs, tmp_path, {"lld": _gcc("lld", [*opts, *args], cxx),
                                    "test": _gcc(braze_lddir, [*opts, *args], cxx)})
    report = _report(res)
    (pl, dl), (pt, dt) = res["lld"], res["test"]
    assert pl.returncode == 0 and pt.returncode == 0, report
    if dest == "file":
        for f in ("why.txt", "stats.txt"):
            assert (dt / f).read_text() == (dl / f).read_text(), f"{f}\n{report}"
        assert "extracted" in (dl / "why.txt").read_text()
    else:
        assert pt.stdout == pl.stdout, report
    assert _run(["./prog"], dt).stdout == _run(["./prog"], dl).stdout


# ---------------------------------------------------------------- -Map: archive members (bfd)

def _archive_section(text: str, title: str = "Archive member included") -> str:
    m = re.search(rf"^{title}.*?\n\n.*?\n\n", text, re.S | re.M)
    return m.group(0) if m else ""


@pytest.mark.parametrize("args,cxx", [
    (ARCH_LINK, False),
    (["-Wl,-u,never", "main.o", "-L.", "-Wl,--whole-archive", "-lex2", "-Wl,--no-whole-archive", "-lex1"], False),
    (["cxxmain.o", "-L.", "-lexcxx"], True),
    (["-static", "main_nopie.o", "-L.", "-lex1", "-lex2"], False),     # libc.a: hundreds of members
    (["cxxio.o", "-static-libstdc++", "-static-libgcc"], True),        # bfd's short std::istream names
], ids=["plain", "u-whole", "cxx", "static", "static-libstdcxx"])
def test_map_archive_members_like_bfd(braze_lddir, inputs, tmp_path, args, cxx):
    """bfd's "Archive member included to satisfy reference by file (symbol)" section of -Map: each
    loaded member, the file whose (first non-weak) reference pulled it in, the symbol (demangled),
    `(--whole-archive)`, no file for -u, long member names on a line of their own."""
    res = _links(inputs, tmp_path, {"bfd": _gcc("bfd", ["-Wl,-Map,out.map", *args], cxx),
                                    "test": _gcc(braze_lddir, ["-Wl,-Map,out.map", *args], cxx)})
    report = _report(res)
    assert all(p.returncode == 0 for p, _d in res.values()), report
    want = _archive_section((res["bfd"][1] / "out.map").read_text())
    got = _archive_section((res["test"][1] / "out.map").read_text())
    assert want and got == want, f"--- bfd\n{want}\n--- under test\n{got}"


@pytest.mark.parametrize("args", [["usesm.o", "-Wl,--as-needed", "-lm", "-lz"], ["-Wl,--as-needed", "-lz"]],
                         ids=["libm-libc", "libc-only"])
def test_map_as_needed_like_bfd(braze_lddir, inputs, tmp_path, args):
    """bfd's "As-needed library included to satisfy reference by file (symbol)" section: each kept
    --as-needed library by its DT_NEEDED name, the referencing file, the library's symbol that kept
    it (first in its .dynsym, with @@VERSION); dropped libraries (libz) are not listed."""
    res = _links(inputs, tmp_path, {k: _gcc(ld, ["-Wl,-Map,out.map", "main.o", "-L.", "-lex1", "-lex2", *args])
                                    for k, ld in (("bfd", "bfd"), ("test", braze_lddir))})
    report = _report(res)
    assert all(p.returncode == 0 for p, _d in res.values()), report
    title = "As-needed library included"
    want = _archive_section((res["bfd"][1] / "out.map").read_text(), title)
    got = _archive_section((res["test"][1] / "out.map").read_text(), title)
    assert "libc.so.6" in want and got == want, f"--- bfd\n{want}\n--- under test\n{got}"


def test_map_without_archive_members_like_bfd(braze_lddir, inputs, tmp_path):
    """No member loaded: bfd prints no archive section at all."""
    res = _links(inputs, tmp_path, {k: _gcc(ld, ["-Wl,-M", "cxxmain.o", "cxxdef.o"], True)
                                    for k, ld in (("bfd", "bfd"), ("test", braze_lddir))})
    assert "Archive member included" not in res["bfd"][0].stdout
    assert "Archive member included" not in res["test"][0].stdout, _report(res)


# ---------------------------------------------------------------- --print-gc-sections (bfd)

@pytest.mark.parametrize("args,cxx,expect", [
    (ARCH_LINK, False, "'.text.unused_fn'"),
    (["-static", "main_nopie.o", "-L.", "-lex1", "-lex2"], False, "'.group'"),
    (["inl1.o", "inl2.o"], True, "'.text._Z13unused_inlinei[_Z13unused_inlinei]'"),
], ids=["pie", "static", "cxx-groups"])
def test_print_gc_sections_like_bfd(braze_lddir, inputs, tmp_path, args, cxx, expect):
    """bfd's lines (stderr), in the same order: only sections with contents (bfd is silent about the
    empty .text/.data/.bss of every object); a section of a group as NAME[SIGNATURE], the group's
    `.group` with it; the copies of COMDAT groups dropped as duplicates (libc.a's DW.ref groups)."""
    flags = ["-Wl,--gc-sections,--print-gc-sections", *args]
    res = _links(inputs, tmp_path, {"bfd": _gcc("bfd", flags, cxx), "test": _gcc(braze_lddir, flags, cxx)})
    report = _report(res)
    assert res["bfd"][0].returncode == 0 and res["test"][0].returncode == 0, report
    assert f"removing unused section {expect}" in res["bfd"][0].stderr, report
    assert _norm(res["test"][0].stderr) == _norm(res["bfd"][0].stderr), report


# ---------------------------------------------------------------- --cref (bfd)

CREF_DIRECT = ["-e", "_start", "start.o", "cxxdef.o", "-L.", "-lex1", "-lex2"]


@pytest.mark.parametrize("extra", [[], ["--gc-sections"], ["-Map", "out.map"], ["-u", "never", "--whole-archive",
                                                                                "libex2.a", "--no-whole-archive"]],
                         ids=["stdout", "gc", "map", "u-whole"])
def test_cref_like_bfd(direct_ld, inputs, tmp_path, extra):
    """The Cross Reference Table, byte for byte: on stdout, or at the end of the -Map file (the map's
    own text before it is not compared here). Names sorted by their demangled form; the defining
    file first, then the referencing ones (latest first); a common; a weak reference; symbols in
    sections --gc-sections removed are listed too (as bfd)."""
    res = _links(inputs, tmp_path, {"bfd": ["ld.bfd", "--cref", *extra, *CREF_DIRECT, "-o", "prog"],
                                    "test": [*direct_ld, "--cref", *extra, *CREF_DIRECT, "-o", "prog"]})
    report = _report(res)
    (pb, db), (pt, dt) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, report
    if "-Map" in extra:
        tail = lambda d: (d / "out.map").read_text().split("\nCross Reference Table\n")[1]   # noqa: E731
        assert tail(dt) == tail(db)
        assert pt.stdout == pb.stdout == ""
    else:
        assert pt.stdout == pb.stdout, report
        assert "ns::f(int)" in pb.stdout and "shared_common" in pb.stdout


@pytest.mark.parametrize("objs,cxx", [(["main_nopie.o", "-L.", "-lex1", "-lex2"], False), (["cxxio.o"], True)],
                         ids=["c", "cxx"])
def test_cref_static_glibc_like_bfd(braze_lddir, inputs, tmp_path, objs, cxx):
    """A -static link against glibc's libc.a (and libstdc++.a): thousands of names, COMDAT copies (a
    discarded copy's definition counts as a reference, as bfd), _GLOBAL_OFFSET_TABLE_ defined by the
    first object, names that demangle alike (C1/C2 constructors) in bfd's hash-table order;
    --eh-frame-hdr's __GNU_EH_FRAME_HDR row, defined by the output file."""
    flags = ["-static", *objs, "-Wl,--cref,--eh-frame-hdr"]
    res = _links(inputs, tmp_path, {"bfd": _gcc("bfd", flags, cxx), "test": _gcc(braze_lddir, flags, cxx)})
    report = _report(res)[:4000]
    assert res["bfd"][0].returncode == 0 and res["test"][0].returncode == 0, report
    assert res["test"][0].stdout == res["bfd"][0].stdout, report
    assert res["bfd"][0].stdout.count("\n") > 1000 and "\n__GNU_EH_FRAME_HDR " in res["bfd"][0].stdout


# ---------------------------------------------------------------- -y on linker-defined symbols (bfd)

@pytest.mark.parametrize("mode,obj", [("-pie", "main.o"), ("-no-pie", "main_nopie.o"), ("-static", "main_nopie.o"),
                                      ("-static-pie", "main.o")])
def test_trace_symbol_linker_defined_like_bfd(braze_lddir, inputs, tmp_path, mode, obj):
    """-y _DYNAMIC/_GLOBAL_OFFSET_TABLE_: bfd reports its own definitions, by its "dynobj" (the first
    object), when it creates them: for a PIE at the first object, otherwise at the first shared
    library, or after the command line for a static link."""
    ys = ["-Wl,-y,_GLOBAL_OFFSET_TABLE_,-y,_DYNAMIC,-y,main,-y,_dl_argv,-y,foo"]
    flags = [mode, *ys, obj, "-L.", "-lex1", "-lex2"]
    res = _links(inputs, tmp_path, {"bfd": _gcc("bfd", flags), "test": _gcc(braze_lddir, flags)})
    report = _report(res)
    assert res["bfd"][0].returncode == 0 and res["test"][0].returncode == 0, report
    assert "definition of _GLOBAL_OFFSET_TABLE_" in res["bfd"][0].stderr, report
    assert _norm(res["test"][0].stderr) == _norm(res["bfd"][0].stderr), report


def test_trace_symbol_direct_like_bfd(direct_ld, inputs, tmp_path):
    res = _links(inputs, tmp_path, {
        "bfd": ["ld.bfd", "-y", "_GLOBAL_OFFSET_TABLE_", "-y", "helper", *CREF_DIRECT, "-o", "prog"],
        "test": [*direct_ld, "-y", "_GLOBAL_OFFSET_TABLE_", "-y", "helper", *CREF_DIRECT, "-o", "prog"]})
    assert _norm(res["test"][0].stderr) == _norm(res["bfd"][0].stderr), _report(res)


# ---------------------------------------------------------------- --time-trace (lld's format)

def test_time_trace_like_lld(braze_lddir, inputs, tmp_path):
    """A Chrome trace: a JSON object with traceEvents (complete "X" events with the keys lld writes,
    the passes in order without overlap, a total covering them, process_name metadata) and
    beginningOfTime, in OUTPUT.time-trace or --time-trace-file (--time-trace-granularity=0 keeps every
    pass); the linked program is byte-identical to one linked without the option."""
    res = _links(inputs, tmp_path, {
        "lld": _gcc("lld", ["-Wl,--time-trace", *ARCH_LINK]),
        "test": _gcc(braze_lddir, ["-Wl,--time-trace,--time-trace-granularity=0", *ARCH_LINK]),
        "file": _gcc(braze_lddir, ["-Wl,--time-trace,--time-trace-file=t.json", *ARCH_LINK]),
        "plain": _gcc(braze_lddir, ARCH_LINK)})
    report = _report(res)
    assert all(p.returncode == 0 for p, _d in res.values()), report
    lld = json.loads((res["lld"][1] / "prog.time-trace").read_text())
    ours = json.loads((res["test"][1] / "prog.time-trace").read_text())
    assert json.loads((res["file"][1] / "t.json").read_text())["traceEvents"]
    assert not (res["file"][1] / "prog.time-trace").exists()
    assert set(ours) == set(lld) == {"traceEvents", "beginningOfTime"}
    x_keys = {k for e in lld["traceEvents"] if e["ph"] == "X" for k in e}
    xs = [e for e in ours["traceEvents"] if e["ph"] == "X"]
    assert xs and all(set(e) <= x_keys and isinstance(e["ts"], int) and e["dur"] >= 0 for e in xs)
    names = [e["name"] for e in xs]
    # granularity 0: every pass, even those shorter than the default 500 microseconds
    assert names[0] == "read inputs" and "gc sections" in names and names[-1] == "Total link"
    passes = xs[:-1]
    assert all(a["ts"] + a["dur"] <= b["ts"] + 1 for a, b in zip(passes, passes[1:]))
    assert xs[-1]["dur"] + 1 >= passes[-1]["ts"] + passes[-1]["dur"]
    assert any(e["ph"] == "M" and e["name"] == "process_name" for e in ours["traceEvents"])
    assert (res["test"][1] / "prog").read_bytes() == (res["plain"][1] / "prog").read_bytes()


# ---------------------------------------------------------------- --why-live (lld's format)

def _symtab_names(path: Path) -> set[str]:
    out = _run(["readelf", "-sW", path], path.parent, check=True).stdout
    return {ln.split()[7] for ln in out.splitlines() if len(ln.split()) >= 8 and ln.split()[0].endswith(":")}


def test_why_live(braze_lddir, inputs, tmp_path):
    """For each live symbol the glob names: `live symbol: FILE:(SYM)`, then `>>> referenced by:` /
    `>>> contained live symbol:` steps, ending at a root in parentheses (the entry point here);
    every section the chain names is one --gc-sections kept, and every symbol it names is in the
    output; a removed symbol (unused_fn) gets no report; nothing without --gc-sections."""
    flags = ["-Wl,--gc-sections,--print-gc-sections,--why-live=*elper,--why-live=bar_data,--why-live=unused_*",
             *ARCH_LINK]
    res = _links(inputs, tmp_path, {"test": _gcc(braze_lddir, flags),
                                    "nogc": _gcc(braze_lddir, ["-Wl,--why-live=helper", *ARCH_LINK])})
    p, d = res["test"]
    assert p.returncode == 0, p.stderr
    assert res["nogc"][0].stdout == ""
    removed = set(re.findall(r"removing unused section '([^']+)' in file '([^']+)'", p.stderr))
    blocks = re.split(r"^live symbol: ", p.stdout.strip(), flags=re.M)[1:]
    assert [b.split("\n")[0] for b in blocks] == ["./libex2.a(m3.o):(bar_data)", "./libex1.a(m2.o):(helper)"], p.stdout
    out_syms = _symtab_names(d / "prog")
    for b in blocks:
        lines = b.strip().split("\n")
        assert lines[-1].endswith(" (entry point)"), b
        assert "_start" in lines[-1]
        for ln in lines[1:]:
            m = re.fullmatch(r">>> (referenced by|contained live symbol): (.*):\((.*?)\)( \(.*\))?", ln)
            assert m, ln
            what, f, name = m.group(1), m.group(2), m.group(3)
            if what == "referenced by":
                assert (name, f) not in removed and name.startswith("."), ln
            else:
                assert name in out_syms, ln
    assert "helper" in out_syms and "unused_fn" not in out_syms


# ---------------------------------------------------------------- undefined-symbol hints

def _hint_link(ld, objs, cxx=False, extra=()):
    return _gcc(ld, [*objs, *extra], cxx)


def _error_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if not ln.startswith("collect2")]


@pytest.mark.parametrize("objs,cxx", [(["u_spell.o", "u_defs.o"], False), (["u_c_calls_cxx.o", "u_defs_cc.o"], True)],
                         ids=["did-you-mean", "extern-C"])
def test_undefined_hint_like_lld(braze_lddir, inputs, tmp_path, objs, cxx):
    """lld's hints, word for word: `>>> did you mean: hello_world` / `>>> did you mean to declare
    cfunc(int) as extern "C"?` and `>>> defined in: FILE` after the error; braze's own first lines
    (`undefined symbol: X`, `>>> referenced by ...`) unchanged; bfd fails the same link."""
    res = _links(inputs, tmp_path, {"lld": _hint_link("lld", objs, cxx), "bfd": _hint_link("bfd", objs, cxx),
                                    "test": _hint_link(braze_lddir, objs, cxx)})
    report = _report(res)
    assert all(p.returncode == 1 for p, _d in res.values()), report
    lld_hints = [ln for ln in res["lld"][0].stderr.splitlines() if ln.startswith((">>> did you mean", ">>> defined in"))]
    ours = _error_lines(_norm(res["test"][0].stderr))
    assert lld_hints and [ln for ln in ours if ln.startswith((">>> did you mean", ">>> defined in"))] == lld_hints, report
    assert ours[0].startswith("ld: error: undefined symbol: ") and ours[1].startswith(">>> referenced by "), report
    assert not (res["test"][1] / "prog").exists()


def _defines(d: Path, f: str, name: str) -> bool:
    out = _run(["nm", "-C", "--defined-only", f], d, check=True).stdout
    return any(ln.split(" ", 2)[-1] == name for ln in out.splitlines())


@pytest.mark.parametrize("objs,cxx,extra,symbol,expect", [
    (["u_cxx_calls_cc.o", "u_defs_cc.o", "u_defs.o"], True, [], "other(int)",
     [">>> did you mean: ns::other(int)", ">>> defined in: u_defs_cc.o", "another namespace"]),
    (["u_cxx_calls_cc.o", "u_defs_cc.o", "u_defs.o"], True, [], "sig(int)",
     [">>> did you mean: sig(long)", ">>> defined in: u_defs_cc.o", "other parameter types (long)"]),
    (["u_cxx_calls_cc.o", "u_defs_cc.o", "u_defs.o"], True, [], "cdef(int)",
     [">>> did you mean: extern \"C\" cdef", ">>> defined in: u_defs.o", "extern \"C\""]),
    (["u_calls_secret.o", "u_defs.o"], False, [], "secret",
     ["local (static) symbol in u_defs.o"]),
    (["u_calls_lib.o"], False, ["-Lhiddenlibs"], "explain_lib_fn",
     ["hiddenlibs/libexplainlib.so, which is not on the command line (add -lexplainlib)"]),
    (["u_calls_hidden.o"], False, ["-L.", "-lexplainhid"], "hidden_fn",
     ["defined in ./libexplainhid.so but not exported"]),
], ids=["namespace", "signature", "cxx-calls-c", "static", "library-not-given", "hidden-in-library"])
def test_undefined_hint(braze_lddir, inputs, tmp_path, objs, cxx, extra, symbol, expect):
    """Each cause braze names after the usual error lines; bfd fails the same link with an undefined
    reference to the same name, and the file the hint names really defines what it says (nm)."""
    res = _links(inputs, tmp_path, {"bfd": _hint_link("bfd", objs, cxx, extra),
                                    "test": _hint_link(braze_lddir, objs, cxx, extra)})
    report = _report(res)
    (pb, _), (pt, dt) = res["bfd"], res["test"]
    assert pb.returncode == 1 and pt.returncode == 1, report
    assert f"undefined reference to `{symbol}'" in pb.stderr, report
    err = _norm(pt.stderr)
    i = err.index(f"ld: error: undefined symbol: {symbol}\n")
    block = err[i:].split("\nld: error: ")[0]
    lines = block.splitlines()
    assert lines[1].startswith(">>> referenced by "), block
    for e in expect:
        assert e in block, f"{e!r} not in\n{block}"
    m = re.search(r">>> did you mean: (?:extern \"C\" )?(.*)\n>>> defined in: (\S+)", block)
    if m:
        assert _defines(dt, m.group(2), m.group(1)), block
    assert not (dt / "prog").exists()


# ---------------------------------------------------------------- --cref with shared libraries (bfd)

def _cref_dso_inputs(tmp_path: Path) -> Path:
    """A versioned test library (V1 hidden, V2 default, a weak and an unreferenced export) and a
    program using it and libc, compiled now."""
    c = Path(__file__).parent / "c"
    d = tmp_path / "in"
    d.mkdir()
    _run(["gcc", "-fPIC", "-c", c / "cref_lib.c", "-o", "lib.o"], d, check=True)
    _run(["gcc", "-shared", "-nostdlib", f"-Wl,--version-script={c / 'cref_lib.map'}", "lib.o",
          "-o", "libcref.so"], d, check=True)
    _run(["gcc", "-fPIC", "-c", c / "cref_main.c", "-o", "main.o"], d, check=True)
    return d


def _crt(name: str) -> str:
    return subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.parametrize("ehf", [[], ["--eh-frame-hdr"]], ids=["plain", "ehf"])
@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
@pytest.mark.parametrize("where", ["stdout", "map"])
def test_cref_shared_libraries_like_bfd(direct_ld, tmp_path, mode, where, ehf):
    """A dynamic link against a versioned library and libc.so.6 (which pulls in ld-linux by
    DT_NEEDED), byte for byte: version nodes (one row, every library defining them), weak
    default-versioned exports as `name`, `name@@V`, `name@V`, referenced ones likewise, hidden
    weak ones as `name@V`, glibc's .gnu.warning name, _DYNAMIC and _GLOBAL_OFFSET_TABLE_ from the
    first object; with --eh-frame-hdr, __GNU_EH_FRAME_HDR defined by the output file (bfd's row names
    it as -o gave it); the programs run alike."""
    d = _cref_dso_inputs(tmp_path)
    crt1 = "Scrt1.o" if mode == "-pie" else "crt1.o"
    args = ["--cref", *(["-pie"] if mode == "-pie" else []), "-dynamic-linker",
            "/lib64/ld-linux-x86-64.so.2", _crt(crt1), _crt("crti.o"), "main.o", "libcref.so",
            _crt("libc.so.6"), _crt("crtn.o"), "-rpath", ".", "-o", "prog", *ehf]
    if where == "map":
        args += ["-Map", "out.map"]
    res = _links(d, tmp_path, {"bfd": ["ld.bfd", *args], "test": [*direct_ld, *args]})
    report = _report(res)[:4000]
    (pb, db), (pt, dt) = res["bfd"], res["test"]
    assert pb.returncode == 0 and pt.returncode == 0, report
    if where == "map":
        tail = lambda w: (w / "out.map").read_text().split("\nCross Reference Table\n")[1]   # noqa: E731
        assert tail(dt) == tail(db)
        assert pt.stdout == pb.stdout == ""
    else:
        assert pt.stdout == pb.stdout, report
        out = pb.stdout
        assert "foo@@V2" in out and "wk@@V2" in out and "GLIBC_2.2.5" in out and "bar" not in out.split()
    rb, rt = _run(["./prog"], db), _run(["./prog"], dt)
    assert (rt.returncode, rt.stdout) == (rb.returncode, rb.stdout) == (0, "3\ncref\n")
