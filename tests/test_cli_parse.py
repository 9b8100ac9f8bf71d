"""Command-line spelling, differentially against ld.bfd: the same words given to both linkers must
be read the same way (GNU ld's getopt_long_only: a single-dash word is a long option, exact or an
unambiguous abbreviation, before it is a short option with its argument attached).

Each spelling is linked by ld.bfd and by braze (ld-style, directly); the outcome classes must agree:
a usage error for one (unknown option, ambiguous, missing argument) is one for the other; when bfd
links, braze links or refuses the option as "not supported"; when both link, what the command line
meant is compared (output file names, dynamic tags, .dynsym names, program header types, warnings).
Plus the effects of -O (hash bucket counts), --[no-]warn-execstack and -nostdlib against bfd.
"""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from harness import sh, tool_env

OBJ_C = "void _start(void) {}\nint foo(void) { return 1; }\n"

# (words, what braze must do when bfd accepts them: "same" = link and mean the same, "refused")
SPELLINGS = [
    (["-emit-relocs"], "same"),              # --emit-relocs, never -e mit-relocs
    (["-unique"], "same"),                   # --unique, never -u nique
    (["-export-dynamic"], "same"), (["--export-dyn"], "same"), (["-export-dyn"], "same"),
    (["-E"], "same"), (["-Bsymbolic-functions"], "same"), (["-Bsymbolic"], "same"), (["-Bsym"], "same"),
    (["-ofile"], "same"), (["--output=file2"], "same"), (["-lm"], "same"), (["--no-as-needed", "-lm"], "same"),
    (["-L/tmp"], "same"), (["-zrelro"], "same"), (["-z", "relro"], "same"), (["-znorelro"], "same"),
    (["-z", "now"], "same"), (["--hash-style=gnu"], "same"), (["-hfoo"], "same"), (["-h", "foo"], "same"),
    (["-soname=x"], "same"), (["-soname", "x"], "same"), (["--soname=x"], "same"), (["-as-needed", "-lm"], "same"),
    (["--as-need", "-lm"], "same"), (["-no-pie"], "same"), (["--no-p"], "same"), (["-rpath=/opt/x"], "same"),
    (["-rpath", "/opt/x"], "same"), (["-rpath-link=/tmp"], "same"), (["-R/tmp"], "same"),
    (["-export-dynamic-symbol=x"], "same"),  # bfd: --export-dynamic-symbol is two-dashes only: -e xport...
    (["-Mapx"], "same"), (["-sx"], "same"), (["-Qy"], "same"), (["-Qn"], "same"), (["-O1"], "same"),
    (["-O", "1"], "same"), (["-Ox"], "same"), (["-dc"], "same"), (["-j"], "same"), (["-he"], "same"),
    (["--frobnicate"], "same"), (["-frobnicate"], "refused"),   # bfd: -f robnicate (--auxiliary)
    (["-Ttext=0x1000"], "same"), (["-Ttext", "0x1000"], "same"), (["--section-start=.text=0x1000"], "same"),
    (["-r"], "refused"), (["-N"], "refused"), (["-omagic"], "same"),   # -o magic, as bfd reads it
    (["--omagic"], "refused"), (["-plugin", "/nonexistent/liblto_plugin.so", "-plugin-opt=-x"], "error"),
    (["-g"], "same"), (["-EL"], "same"), (["--no-keep-memory"], "same"), (["-z", "foo"], "same"),
    (["-z", "stack-size=0x100000"], "same"), (["-z", "stack-size=12k"], "same"),
    (["--require-defined=main"], "same"), (["--require-defined", "nosuch"], "same"),
    (["-z", "nocombreloc"], "same"), (["--build-id=none"], "same"), (["--undefined"], "same"),
    (["--compress-debug-sections=ZLIB"], "same"), (["--compress-debug-sections=Zlib-Gnu"], "same"),
    (["-m", "elf_x86_64"], "same"), (["-melf_x86_64"], "same"), (["-m", "elf_i386"], "error"),
]


def _class(rc: int, err: str, braze: bool) -> str:
    if re.search(r"unrecognized option|unknown option|unable to disambiguate|missing argument|"
                 r"requires an argument", err):
        return "usage"
    if braze and "is not supported" in err:
        return "refused"
    return "ok" if rc == 0 else "error"


def _meaning(d: Path, err: str, prog: str) -> dict:
    """What a link produced, in terms both linkers must agree on."""
    out = {"files": sorted(p.name for p in d.iterdir() if p.name != "a.o"),
           # (--stats: the time itself differs)
           "warnings": sorted(re.sub(r"total time in link: [0-9.]+$", "total time in link: T",
                                     line.replace(prog + ":", "LD:")) for line in err.splitlines())}
    for f in out["files"]:
        with open(d / f, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            fh.seek(0)
            e = ELFFile(fh)
            out[f + ":phdrs"] = sorted(p["p_type"] for p in e.iter_segments())
            out[f + ":stack"] = [(p["p_flags"], p["p_memsz"]) for p in e.iter_segments()
                                 if p["p_type"] == "PT_GNU_STACK"]
            dyn = e.get_section_by_name(".dynamic")
            if dyn is not None:
                tags = []
                for t in dyn.iter_tags():
                    if t.entry.d_tag in ("DT_SONAME", "DT_RUNPATH", "DT_RPATH", "DT_NEEDED", "DT_AUXILIARY"):
                        tags.append((t.entry.d_tag, getattr(t, t.entry.d_tag[3:].lower(), None)))
                    elif t.entry.d_tag in ("DT_FLAGS", "DT_FLAGS_1", "DT_BIND_NOW", "DT_SYMBOLIC"):
                        tags.append((t.entry.d_tag, t.entry.d_val))
                out[f + ":dynamic"] = sorted(tags, key=str)
            ds = e.get_section_by_name(".dynsym")
            out[f + ":dynsym"] = sorted(s.name for s in ds.iter_symbols()) if ds is not None else None
    return out


@pytest.fixture(scope="module")
def obj(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cliobj")
    p = subprocess.run(["gcc", "-c", "-fPIC", "-x", "c", "-", "-o", str(d / "a.o")], input=OBJ_C, text=True,
                       capture_output=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return d / "a.o"


def _link(cmd: list[str], d: Path, obj: Path, words: list[str]):
    d.mkdir()
    (d / "a.o").write_bytes(obj.read_bytes())
    argv = [*cmd, "-pie", "-o", "out", "a.o", *words]
    p = subprocess.run(argv, cwd=d, capture_output=True, text=True, env=tool_env(), timeout=120)
    return argv, p


@pytest.mark.parametrize("words,expect", SPELLINGS, ids=[" ".join(w) for w, _ in SPELLINGS])
def test_spelling_like_bfd(words, expect, obj, direct_ld, tmp_path):
    bargv, b = _link(["ld.bfd"], tmp_path / "bfd", obj, words)
    zargv, z = _link(direct_ld, tmp_path / "braze", obj, words)
    report = (f"$ {sh(bargv)}\nexit {b.returncode}\n{b.stderr}\n$ {sh(zargv)}\nexit {z.returncode}\n"
              f"{z.stderr}")
    assert "Traceback" not in z.stderr and "internal error" not in z.stderr, report
    bc, zc = _class(b.returncode, b.stderr, False), _class(z.returncode, z.stderr, True)
    if expect == "skip-bfd":     # bfd would load the plugin; braze accepts -plugin for gcc's sake
        assert zc == "ok", report
        return
    assert (bc == "usage") == (zc == "usage"), "bfd and braze disagree on whether this is a usage error\n" + report
    if bc == "usage":
        return
    if bc == "error":
        assert zc in ("error", "refused"), report
        return
    if expect == "refused":
        assert zc == "refused", "braze must refuse this option, not read it as something else\n" + report
        assert not (tmp_path / "braze" / "out").exists(), "a refused option must leave no output\n" + report
        return
    assert zc == "ok", report
    assert _meaning(tmp_path / "braze", z.stderr, "braze") == _meaning(tmp_path / "bfd", b.stderr, "ld.bfd"), (
        "both linked, but not the same way\n" + report)


# ---- -O: the .hash/.gnu.hash bucket counts bfd searches for ----
def _hash_headers(path: Path) -> tuple:
    with open(path, "rb") as f:
        e = ELFFile(f)
        h = e.get_section_by_name(".hash").data()
        g = e.get_section_by_name(".gnu.hash").data()
        dynsym = e.get_section_by_name(".dynsym").num_symbols()
    return struct.unpack_from("<II", h), struct.unpack_from("<IIII", g), dynsym


@pytest.mark.parametrize("nsyms", [1, 2, 17, 40, 300])
@pytest.mark.parametrize("opt", [None, "-O0", "-O1", "-O2", "-Ox", "-O01"])
def test_optimize_hash_buckets(nsyms, opt, direct_ld, tmp_path):
    """bfd's -O N (N read as strtoul does, non-zero = on) searches the bucket counts; without it a
    prime table is used. Headers (bucket count, Bloom words and shift) must be bfd's."""
    src = "".join(f"int f{i}(void) {{ return {i}; }}\n" for i in range(nsyms))
    (tmp_path / "k.c").write_text(src)
    subprocess.run(["gcc", "-c", "-fPIC", "k.c"], cwd=tmp_path, check=True, env=tool_env())
    extra = [opt] if opt else []
    for name, cmd in (("bfd.so", ["ld.bfd"]), ("braze.so", direct_ld)):
        p = subprocess.run([*cmd, "-shared", "--hash-style=both", *extra, "k.o", "-o", name], cwd=tmp_path,
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
    assert _hash_headers(tmp_path / "braze.so") == _hash_headers(tmp_path / "bfd.so")


# ---- --[no-]warn-execstack ----
EXEC_STACK_S = '.section .note.GNU-stack,"x",@progbits\n.text\n.globl _start\n_start: ret\n'


@pytest.mark.parametrize("flags", [[], ["--warn-execstack"], ["--no-warn-execstack"], ["-z", "execstack"],
                                   ["--warn-execstack", "-z", "execstack"], ["--no-warn-execstack", "-z", "execstack"]])
def test_warn_execstack_like_bfd(flags, direct_ld, tmp_path):
    (tmp_path / "es.s").write_text(EXEC_STACK_S)
    subprocess.run(["gcc", "-c", "es.s"], cwd=tmp_path, check=True, env=tool_env())
    got = {}
    for prog, cmd in (("ld.bfd", ["ld.bfd"]), ("braze", direct_ld)):
        p = subprocess.run([*cmd, *flags, "es.o", "-o", prog + ".out"], cwd=tmp_path, capture_output=True,
                           text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
        got[prog] = sorted(line.replace(prog + ":", "LD:") for line in p.stderr.splitlines())
    assert got["braze"] == got["ld.bfd"]


# ---- -nostdlib: only the command line's directories ----
def test_nostdlib_like_bfd(obj, direct_ld, tmp_path):
    (tmp_path / "lib").mkdir()
    subprocess.run(["gcc", "-shared", "-fPIC", "-x", "c", "-", "-o", str(tmp_path / "lib" / "libq.so")],
                   input="int q(void){return 2;}\n", text=True, check=True, env=tool_env())
    for words, ok in ((["-lc"], True), (["-nostdlib", "-lc"], False),
                      (["-nostdlib", "-L", str(tmp_path / "lib"), "-lq"], True)):
        for prog, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
            p = subprocess.run([*cmd, "-pie", str(obj), *words, "-o", str(tmp_path / prog)], capture_output=True,
                               text=True, env=tool_env())
            assert (p.returncode == 0) == ok, f"{prog} {words}: exit {p.returncode}\n{p.stderr}"


# ---- every option braze accepts, linked by both: the same result ----
from braze import cli  # noqa: E402
from test_option_table import BRAZE_ONLY, VALUES, Z_TAGS, _words  # noqa: E402

# Known differences outside option parsing, each for a reason stated here.
KNOWN = {}
ACCEPTED = sorted((set(cli._FLAGS) | set(cli._ARGS) | set(cli._NOOPS)) - BRAZE_ONLY - {"help"})
ZWORDS = sorted(set(cli._Z_FLAGS) | set(cli._Z_NOOPS) | set(Z_TAGS.values())) + ["max-page-size=0x200000", "common-page-size=0x2000",
                                                         "max-page-size=0", "foo"]
CASES = [(base, _words(n, None if cli._arg_kind(n) == "" else VALUES.get(n, "val")))
         for n in ACCEPTED for base in ("-pie", "-shared") if (n, base) not in KNOWN]
CASES += [(base, ["-z", z]) for z in ZWORDS for base in ("-pie", "-shared")]


@pytest.mark.parametrize("base,words", CASES, ids=[f"{b} {' '.join(w)}" for b, w in CASES])
def test_accepted_option_links_like_bfd(base, words, obj, direct_ld, tmp_path):
    """Both linkers succeed or both fail; when they succeed, with the same meaning (files, tags,
    .dynsym names, program headers, warnings)."""
    res = {}
    for prog, cmd in (("ld.bfd", ["ld.bfd"]), ("braze", direct_ld)):
        d = tmp_path / prog
        d.mkdir()
        (d / "a.o").write_bytes(obj.read_bytes())
        argv = [*cmd, base, "-o", "out", "a.o", *words]
        p = subprocess.run(argv, cwd=d, capture_output=True, text=True, env=tool_env(), timeout=120)
        res[prog] = (argv, p, d)
    (bargv, b, bd), (zargv, z, zd) = res["ld.bfd"], res["braze"]
    report = f"$ {sh(bargv)}\nexit {b.returncode}\n{b.stderr}\n$ {sh(zargv)}\nexit {z.returncode}\n{z.stderr}"
    assert "Traceback" not in z.stderr and "internal error" not in z.stderr, report
    if b.returncode == 0 and z.returncode == 1 and "is not supported" in z.stderr:
        # braze refuses a combination it cannot lay out as bfd does (the trust rule): allowed, never
        # a different output; it must leave nothing behind
        assert not (zd / "out").exists(), report
        return
    assert (b.returncode == 0) == (z.returncode == 0), report
    if b.returncode == 0:
        assert _meaning(zd, z.stderr, "braze") == _meaning(bd, b.stderr, "ld.bfd"), report


@pytest.mark.parametrize("mapspec", ["%.map", "maps", "maps/x.map", "-"])
def test_map_file_name_like_bfd(mapspec, obj, direct_ld, tmp_path):
    """-Map FILE: `%` stands for the output's name, a directory gets <output>.map inside it."""
    made = {}
    for prog, cmd in (("bfd", ["ld.bfd"]), ("braze", direct_ld)):
        d = tmp_path / prog
        (d / "maps").mkdir(parents=True)
        (d / "a.o").write_bytes(obj.read_bytes())
        p = subprocess.run([*cmd, "-pie", "-o", "prog", "a.o", "-Map", mapspec], cwd=d, capture_output=True,
                           text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
        made[prog] = (sorted(str(f.relative_to(d)) for f in d.rglob("*") if f.is_file()), bool(p.stdout))
    assert made["braze"] == made["bfd"]


# ---- --build-id's styles: bfd warns on any it does not know and then writes no build-id ----
BUILD_ID_WORDS = [
    ["--build-id"], ["--build-id=sha1"], ["--build-id=md5"], ["--build-id=uuid"], ["--build-id=0xabCD12"],
    ["--build-id=tree"], ["--build-id=fast"], ["--build-id=SHA1"], ["--build-id=Md5"], ["--build-id=0x123"],
    ["--build-id=0x"], ["--build-id=0X12"], ["--build-id=0x12 34"], ["--build-id=0xzz"], ["--build-id="],
    ["--build-id=md5", "--build-id=xx"], ["--build-id=xx", "--build-id"], ["--build-id", "--build-id=none"],
]


def _build_id(path: Path) -> tuple | None:
    """(descsz, desc if it is not a hash) of the output's build-id note."""
    with open(path, "rb") as f:
        sec = ELFFile(f).get_section_by_name(".note.gnu.build-id")
        if sec is None:
            return None
        namesz, descsz, ntype = struct.unpack_from("<III", sec.data())
        desc = sec.data()[12 + namesz:12 + namesz + descsz]
    return ntype, descsz, desc.hex() if descsz not in (16, 20) else None


@pytest.mark.parametrize("words", BUILD_ID_WORDS, ids=[" ".join(w) for w in BUILD_ID_WORDS])
def test_build_id_style_like_bfd(words, obj, direct_ld, tmp_path):
    bargv, b = _link(["ld.bfd"], tmp_path / "bfd", obj, words)
    zargv, z = _link(direct_ld, tmp_path / "braze", obj, words)
    report = f"$ {sh(bargv)}\n{b.stderr}\n$ {sh(zargv)}\n{z.stderr}"
    assert b.returncode == 0 and z.returncode == 0, report
    assert z.stderr.replace("braze:", "LD:") == b.stderr.replace("ld.bfd:", "LD:"), report
    assert _build_id(tmp_path / "braze" / "out") == _build_id(tmp_path / "bfd" / "out"), report


# ---- --defsym numbers: every integer form of ld's expressions (inputs/ldscript.py _number) ----
DEFSYM_VALUES = ["10", "0x10", "0X1f", "$1f", "010", "08", "10h", "17o", "101b", "12d", "1K", "1m", "0x1K",
                 "foo", "foo+0x10", "foo+1K", "foo-010", "0b101", "1e"]


def _sym_values(path: Path) -> dict:
    with open(path, "rb") as f:
        return {s.name: s["st_value"] for s in ELFFile(f).get_section_by_name(".symtab").iter_symbols()}


@pytest.mark.parametrize("value", DEFSYM_VALUES)
def test_defsym_number_like_bfd(value, obj, direct_ld, tmp_path):
    words = [f"--defsym=foo2={value}"]
    bargv, b = _link(["ld.bfd"], tmp_path / "bfd", obj, words)
    zargv, z = _link(direct_ld, tmp_path / "braze", obj, words)
    report = f"$ {sh(bargv)}\n{b.stderr}\n$ {sh(zargv)}\n{z.stderr}"
    assert "Traceback" not in z.stderr and "internal error" not in z.stderr, report
    assert (b.returncode == 0) == (z.returncode == 0), report
    if b.returncode:
        return
    got = []
    for d in ("bfd", "braze"):
        v = _sym_values(tmp_path / d / "out")
        got.append(v["foo2"] - (v["foo"] if "foo" in value else 0))
    assert got[1] == got[0], report
