"""The Python API (braze.link -> LinkResult), against readelf and ld.bfd.

Each link is run twice: gcc drives ld.bfd through a small capturing `ld` (tests/c/api_prog and the
bench's jobs), which records the exact ld command line; braze.link() then runs that command line
in this process. Checked:
* the model against `readelf -W` of braze's output: every section (name, address, offset, size,
  flags), every program header (type, offsets, addresses, sizes, flags, alignment, the sections it
  maps), the global symbols of .symtab (name, version, value, size, type, binding, visibility,
  defined or not), which symbols .dynsym defines (exported) and imports, and the dynamic
  relocations (section, offset, type; by type);
* why each archive member is in (symbol and referencing file) against bfd's map file ("Archive
  member included to satisfy reference by file (symbol)"), and the sections --gc-sections dropped
  against bfd's --print-gc-sections;
* the libraries --as-needed kept against the output's DT_NEEDED;
* a failed link: LinkError's undefined symbols and references against the command line's message
  and bfd's "undefined reference" errors;
* warnings captured (and not printed) as bfd prints them;
* links in one process do not interfere: option state (--no-demangle, --fatal-warnings, -w) does
  not leak, and each output is byte-identical to the command-line link's.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO, tool_env

import braze

SRC = Path(__file__).resolve().parent / "c" / "api_prog"
sys.path.insert(0, str(REPO))


# ------------------------------------------------------------------ helpers

def _capture_dir(root: Path) -> Path:
    """A directory whose `ld` writes its command line to OUTPUT.ldargs and runs ld.bfd."""
    d = root / "capture-ld"
    d.mkdir(exist_ok=True)
    ld = d / "ld"
    ld.write_text(f"#!{sys.executable}\n"
                  "import json, os, sys\n"
                  "args = sys.argv[1:]\n"
                  "out = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == '-o'), 'a.out')\n"
                  "with open(out + '.ldargs', 'w') as f:\n"
                  "    json.dump([os.getcwd(), args], f)\n"
                  "os.execvp('ld.bfd', ['ld.bfd'] + args)\n")
    ld.chmod(0o755)
    return d


def run(cmd, cwd=None, check=True) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=tool_env(),
                       timeout=300)
    if check:
        assert p.returncode == 0, f"$ {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}"
    return p


def with_output(args: list[str], out: str) -> list[str]:
    args = list(args)
    i = args.index("-o")
    args[i + 1] = out
    return args


def api_link(ldargs_file: Path, out: Path, *extra: str, **options):
    """braze.link() on the command line bfd got (run in the directory gcc ran it from)."""
    cwd, args = json.loads(ldargs_file.read_text())
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return braze.link(with_output(args, str(out)) + list(extra), **options)
    finally:
        os.chdir(old)


def readelf(path, *opts) -> str:
    return run(["readelf", "-W", *opts, path]).stdout


def re_sections(path) -> list[tuple]:
    out = []
    for line in readelf(path, "-S").splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(.*)$", line)
        if not m or m.group(1) == "0":
            continue
        t = m.group(2).split()
        name, _typ, addr, off, size, _es = t[:6]
        flags = t[6] if len(t) == 10 else ""
        out.append((name, int(addr, 16), int(off, 16), int(size, 16), flags))
    return out


def re_segments(path) -> list[tuple]:
    text = readelf(path, "-l")
    segs, maps = [], []
    for line in text.splitlines():
        t = line.split()
        if t and t[0].isupper() and len(t) >= 8 and t[1].startswith("0x") and t[0] != "Type":
            segs.append((t[0], int(t[1], 16), int(t[2], 16), int(t[4], 16), int(t[5], 16),
                         "".join(t[6:-1]), int(t[-1], 16)))
        m = re.match(r"^\s+(\d\d)\s*(.*)$", line)
        if m and "Segment Sections" in text[:text.index(line)]:
            maps.append(m.group(2).split())
    return [s + (tuple(m),) for s, m in zip(segs, maps)]


def _size(v: str) -> int:
    return int(v, 0) if v.startswith("0x") else int(v)


def re_symbols(path, table: str) -> list[tuple]:
    """(name, version, value, size, type, bind, vis, defined) of .symtab's or .dynsym's rows."""
    text = readelf(path, "-s" if table == ".symtab" else "--dyn-syms")
    rows, cur = [], None
    for line in text.splitlines():
        m = re.match(r"Symbol table '(\S+)'", line)
        if m:
            cur = m.group(1)
            continue
        t = line.split()
        if cur != table or len(t) < 8 or not t[0].endswith(":") or not t[0][:-1].isdigit() or t[0] == "0:":
            continue
        name = t[7]
        base, _at, ver = name.partition("@")
        rows.append((base, ver.lstrip("@") or None, int(t[1], 16), _size(t[2]), t[3], t[4], t[5], t[6] != "UND"))
    return rows


def re_dyn_relocs(path) -> list[tuple]:
    out, cur = [], None
    for line in readelf(path, "-r").splitlines():
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            cur = m.group(1)
            continue
        t = line.split()
        if cur and len(t) >= 3 and re.fullmatch(r"[0-9a-f]{16}", t[0]) and t[2].startswith("R_X86_64"):
            out.append((cur, int(t[0], 16), t[2]))
    return sorted(out)


def needed(path) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", readelf(path, "-d"))


def bfd_map_members(map_text: str) -> set[tuple]:
    """(member, referencing file, symbol) from bfd's map: "Archive member included to satisfy
    reference by file (symbol)"."""
    part = map_text.split("Archive member included to satisfy reference by file (symbol)\n", 1)
    if len(part) < 2:
        return set()
    body = re.split(r"\n(?:Discarded input sections|Allocating common symbols|As-needed library|Merging program properties)", part[1])[0]
    out = set()
    for m in re.finditer(r"^(\S.*?)\s*\n?\s+(\S.*) \((.+)\)$", body.strip("\n"), re.M):
        out.add((m.group(1).strip(), m.group(2).strip(), m.group(3)))
    return out


def check_model(model, exe) -> None:
    """The model against readelf's view of the file it describes."""
    secs = [(s.name, s.address, s.offset, s.size, s.flags) for s in model.sections]
    assert secs == re_sections(exe)
    segs = [(s.type, s.offset, s.address, s.filesz, s.memsz, s.flags.replace(" ", ""), s.align,
             tuple(s.sections)) for s in model.segments]
    assert segs == re_segments(exe)
    symtab = re_symbols(exe, ".symtab")
    if symtab:
        # (versions: .symtab spells only imports' and .symver names'; they are checked against .dynsym)
        ours = sorted((s.name, s.address, s.size, s.type, s.binding, s.visibility, s.defined)
                      for s in model.symbols if s.binding != "LOCAL")
        theirs = sorted(r[:1] + r[2:] for r in symtab if r[5] != "LOCAL")
        assert ours == theirs
        hidden_locals = {s.name for s in model.symbols if s.binding == "LOCAL"}
        assert hidden_locals <= {r[0] for r in symtab if r[5] == "LOCAL"}
    dyn = re_symbols(exe, ".dynsym")
    assert sorted(s.name for s in model.symbols if s.exported) == sorted(r[0] for r in dyn if r[7])
    assert {s.name for s in model.symbols if s.imported and not s.defined} == {r[0] for r in dyn if not r[7]}
    dyn_versions = {(r[0], r[1]) for r in dyn}
    # (readelf shows a version node's own absolute symbol without its version)
    assert {(s.name, s.version) for s in model.symbols if (s.exported or s.imported) and s.name != s.version} \
        <= dyn_versions
    relocs = sorted((r.section, r.offset, r.type) for r in model.dynamic_relocs)
    assert relocs == re_dyn_relocs(exe)
    by_type: dict[str, int] = {}
    for _s, _o, t in relocs:
        by_type[t] = by_type.get(t, 0) + 1
    assert model.dynamic_relocs_by_type == by_type
    kept = [i.soname for i in model.inputs if i.kind == "shared" and i.kept]
    assert sorted(kept) == sorted(needed(exe))


# ------------------------------------------------------------------ the test program

MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"]),
         "static": (["-fno-pie"], ["-static"])}


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("api-objs")
    for mode, (cflags, _l) in MODES.items():
        m = d / mode
        m.mkdir()
        for f in ("api_main", "api_lib1", "api_lib2", "api_lib3", "api_undef"):
            run(["gcc", "-c", "-O2", "-fcommon", "-ffunction-sections", "-fdata-sections", *cflags,
                 SRC / f"{f}.c", "-o", m / f"{f}.o"])
        run(["ar", "rcs", m / "libapi.a", m / "api_lib1.o", m / "api_lib2.o", m / "api_lib3.o"])
    run(["gcc", "-c", "-O2", "-fPIC", SRC / "api_shlib.c", "-o", d / "api_shlib.o"])
    return d


def _bfd_and_args(tmp: Path, objs: Path, mode: str, extra: list[str]) -> tuple[Path, Path, str]:
    cap = _capture_dir(tmp)
    bfd = tmp / "bfd-out"
    p = run(["gcc", f"-B{cap}/", *MODES[mode][1], objs / mode / "api_main.o", f"-L{objs / mode}", "-lapi",
             *extra, "-o", bfd])
    return bfd, Path(str(bfd) + ".ldargs"), p.stderr


@pytest.mark.parametrize("gc", [False, True], ids=["nogc", "gc"])
@pytest.mark.parametrize("mode", sorted(MODES))
def test_model_matches_readelf_and_bfd(objs, tmp_path, mode, gc):
    extra = ["-Wl,--gc-sections", "-Wl,--print-gc-sections"] if gc else []
    bfd, args, bfd_err = _bfd_and_args(tmp_path, objs, mode, extra + [f"-Wl,-Map,{tmp_path / 'bfd.map'}"])
    bfd_map = (tmp_path / "bfd.map").read_text()        # (braze's link below writes its own map there)
    out = tmp_path / "braze-out"
    r = api_link(args, out)
    assert r.output == str(out)
    assert run([out]).stdout == run([bfd]).stdout
    check_model(r.model, out)
    # why each archive member is in, as bfd's map says
    ours = {(i.path, i.pulled_by_file, i.pulled_by_symbol) for i in r.model.inputs if i.kind == "member"}
    assert ours == bfd_map_members(bfd_map)
    assert any(i.member == "api_lib2.o" and i.pulled_by_symbol == "api_deeper"
               and i.pulled_by_file.endswith("libapi.a(api_lib1.o)") for i in r.model.inputs)
    assert not any(i.member == "api_lib3.o" for i in r.model.inputs)
    # --gc-sections: what bfd says it removed
    # (bfd also lists the duplicate COMDAT group copies it discarded, as `.group` and `NAME[SIGNATURE]`:
    # those were never in braze's link, so they are not "removed by --gc-sections" in the model)
    bfd_removed = {(s, f) for s, f in re.findall(r"removing unused section '(.+?)' in file '(.+?)'", bfd_err)
                   if s != ".group" and not s.endswith("]")}
    assert {(s.section, s.file) for s in r.model.gc_removed} == bfd_removed
    if gc:
        assert ("api_gc_me" not in {s.name for s in r.model.symbols})
        assert any(s.section == ".text.api_gc_me" for s in r.model.gc_removed)
    # the pass timings, in pipeline order
    assert list(r.timings)[:2] == ["read inputs", "resolve symbols"]
    assert all(t >= 0 for t in r.timings.values())
    assert r.model.symbol("api_tls_counter").type == "TLS"
    assert r.model.symbol("api_helper").defined_in.endswith("libapi.a(api_lib1.o)")


def test_shared_library_versions_and_exports(objs, tmp_path):
    cap = _capture_dir(tmp_path)
    bfd = tmp_path / "libapi-bfd.so"
    run(["gcc", f"-B{cap}/", "-shared", objs / "api_shlib.o", f"-Wl,--version-script={SRC / 'api_shlib.map'}",
         "-o", bfd])
    out = tmp_path / "libapi.so"
    r = api_link(Path(str(bfd) + ".ldargs"), out)
    check_model(r.model, out)
    entry = r.model.symbol("api_lib_entry")
    assert entry.exported and entry.version == "API_1.0"
    hidden = r.model.symbol("api_lib_hidden_by_script")
    assert hidden is not None and not hidden.exported and hidden.binding == "LOCAL"
    assert r.model.symbol("getenv").imported
    assert r.model.kind == "shared"


def test_as_needed_libraries(objs, tmp_path):
    bfd, args, _ = _bfd_and_args(tmp_path, objs, "pie", ["-Wl,--as-needed", "-lm", "-Wl,--no-as-needed"])
    out = tmp_path / "braze-out"
    r = api_link(args, out)
    libm = [i for i in r.model.inputs if i.kind == "shared" and i.soname == "libm.so.6"]
    assert libm and not libm[0].kept and libm[0].as_needed
    assert "libm.so.6" not in needed(out) and "libm.so.6" not in needed(bfd)
    check_model(r.model, out)


# ------------------------------------------------------------------ the bench's jobs

BENCH_JOBS = ["hello", "sqlite", "lua", "openssl", "cpp", "shlib", "hello-static"]


@pytest.mark.parametrize("job", BENCH_JOBS)
def test_bench_job_model(job, tmp_path_factory):
    from bench import jobs
    work = str(tmp_path_factory.getbasetemp().parent / "bench-work")
    tmp = tmp_path_factory.mktemp(f"api-{job}")
    cap = _capture_dir(tmp)
    bfd_exe = jobs.link(job, lddir=str(cap), out=str(tmp / "bfd"), workdir=work)
    captured = sorted((tmp / "bfd").glob("*.ldargs"), key=lambda p: p.stat().st_mtime_ns)
    assert captured, "harness: the capturing ld saw no link"
    for n, ldargs in enumerate(captured):
        out = tmp / "bfd" / f"braze-{n}-{ldargs.name[:-7]}"     # (beside bfd's: a job's libraries are found)
        r = api_link(ldargs, out)
        check_model(r.model, out)
        assert sum(s.size for s in r.model.sections if s.alloc) > 0
    ours, theirs = jobs.run(job, str(out)), jobs.run(job, bfd_exe)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


# ------------------------------------------------------------------ errors and warnings

def test_link_error_carries_undefined_symbols(objs, tmp_path):
    cap = _capture_dir(tmp_path)
    bfd = tmp_path / "bfd-undef"
    p = run(["gcc", f"-B{cap}/", objs / "pie" / "api_undef.o", "-o", bfd], check=False)
    assert p.returncode != 0
    bfd_undef = set(re.findall(r"undefined reference to `(\w+)'", p.stderr))
    out = tmp_path / "braze-undef"
    with pytest.raises(braze.LinkError) as ei:
        api_link(Path(str(bfd) + ".ldargs"), out)
    e = ei.value
    assert {u.name for u in e.undefined} == bfd_undef == {"api_missing_function", "api_missing_data"}
    for u in e.undefined:
        assert u.references and all("api_undef.o:(main)" in ref for ref in u.references)
    assert not out.exists()
    # the same messages as the command line's, which the exception's text is
    cwd, args = json.loads(Path(str(bfd) + ".ldargs").read_text())
    cli = subprocess.run([*_braze_cmd(), *with_output(args, str(out))], cwd=cwd, capture_output=True,
                         text=True, env=tool_env())
    assert cli.returncode == 1
    assert e.stderr == cli.stderr
    assert str(e) == "\n".join(line[len("braze: error: "):] if line.startswith("braze: error: ") else line
                               for line in cli.stderr.rstrip("\n").split("\n"))


def _braze_cmd() -> list[str]:
    return [sys.executable, "-m", "braze"]


def test_warnings_are_captured_as_bfd_prints_them(objs, tmp_path, capfd):
    """-z with a keyword bfd does not know: bfd warns and links; the API returns the warning."""
    bfd, args, bfd_err = _bfd_and_args(tmp_path, objs, "pie", ["-Wl,-z,no-such-keyword"])
    out = tmp_path / "braze-out"
    r = api_link(args, out)
    assert bfd_err.count("warning:") == 1 and len(r.warnings) == 1
    assert r.warnings[0] in bfd_err
    assert f"warning: {r.warnings[0]}" in r.stderr
    captured = capfd.readouterr()
    assert r.warnings[0] not in captured.err, "the API captures messages; it does not print them"
    # --fatal-warnings before the -z (bfd reads options in order: after it, bfd only warns)
    cwd, words = json.loads(args.read_text())
    p = run(["ld.bfd", "--fatal-warnings", *with_output(words, str(tmp_path / "bfd-fatal"))], cwd=cwd, check=False)
    assert p.returncode == 1
    with pytest.raises(braze.LinkError) as ei:
        old = os.getcwd()
        os.chdir(cwd)
        try:
            braze.link(["--fatal-warnings", *with_output(words, str(tmp_path / "fatal"))])
        finally:
            os.chdir(old)
    assert ei.value.warnings == r.warnings
    assert not (tmp_path / "fatal").exists()
    r2 = api_link(args, tmp_path / "late", "--fatal-warnings")
    assert r2.warnings == r.warnings and (tmp_path / "late").exists()


def test_links_in_one_process_do_not_interfere(objs, tmp_path):
    """Links with different diagnostics settings, interleaved, give the command line's bytes, and
    one link's settings (--no-demangle, --fatal-warnings, -w) do not reach the next."""
    from braze import diag
    _bfd, args, _ = _bfd_and_args(tmp_path, objs, "pie", [])
    cwd, words = json.loads(args.read_text())
    cli_out = tmp_path / "cli-out"
    run([*_braze_cmd(), *with_output(words, str(cli_out))], cwd=cwd)
    state = diag.save_state()
    outs = []
    for i, extra in enumerate([["--no-demangle", "-w"], ["--fatal-warnings"], [], ["-w", "--no-demangle"], []]):
        o = tmp_path / f"o{i}"
        api_link(args, o, *extra)
        outs.append(o.read_bytes())
        assert diag.save_state() == state, "a link left diagnostics settings behind"
    assert all(b == cli_out.read_bytes() for b in outs)
    # a failed link in between changes nothing for the next one
    with pytest.raises(braze.LinkError):
        braze.link([str(objs / "pie" / "api_undef.o"), "-o", str(tmp_path / "never")])
    r = api_link(args, tmp_path / "after", "-z", "no-such-keyword")
    assert (tmp_path / "after").read_bytes() == cli_out.read_bytes()
    assert len(r.warnings) == 1        # --fatal-warnings of an earlier link did not stick


def test_keyword_options_are_command_line_options(objs, tmp_path):
    from braze.api import options_to_args
    assert options_to_args({"output": "x", "gc_sections": True, "z": ["now", "relro"], "l": ["m"],
                            "hash_style": "gnu", "pie": False, "soname": None}) == \
        ["-o", "x", "--gc-sections", "-z", "now", "-z", "relro", "-l", "m", "--hash-style=gnu"]
    o = tmp_path / "kw.so"
    r = braze.link([str(objs / "api_shlib.o")], output=str(o), shared=True, soname="libkw.so.1",
                   z=["now"], hash_style="gnu")
    assert "libkw.so.1" in readelf(o, "-d") and "BIND_NOW" in readelf(o, "-d")
    check_model(r.model, o)
    with pytest.raises(braze.LinkError, match="is not supported"):
        braze.link([str(objs / "api_shlib.o")], output=str(tmp_path / "r"), split_by_file=True)
