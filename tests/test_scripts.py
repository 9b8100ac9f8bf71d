"""Linker scripts with SECTIONS (tests/scripts/*.ld, sources tests/c/scripts_*.c), against ld.bfd.

Every script links the same freestanding objects (raw system calls, no libc, so nothing but the script
decides the layout) with `ld.bfd -static -T script` and with the linker under test. Compared:
`readelf -hlSW` (section addresses, offsets, sizes, flags, alignment, header order; program headers
with their LMAs; the entry point) minus the string-table rows (bfd tail-merges .strtab, braze does
not), the symbol table (value, size, type, binding, visibility, section; order-independent), the bytes
of every allocated non-code section with contents, and for the programs that can run: stdout (the
addresses of the script's symbols) and the exit status. Error cases: both linkers fail; braze says
`braze: error:` with its own wording (region overflow, ASSERT, syntax errors with file:line:col,
constructs braze refuses), exit 1, no output file."""
from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

import pytest

from harness import need_tool, tool_env
import test_shared as shared
from test_shared import run

HERE = Path(__file__).resolve().parent
C = HERE / "c"
SCRIPTS = HERE / "scripts"
CFLAGS = ["-O2", "-fno-pic", "-ffreestanding", "-fno-asynchronous-unwind-tables", "-fno-stack-protector",
          "-fcf-protection=none"]

# per script: extra link options, which objects, and whether the program can run
EXTRA = {"keep_gc.ld": ["--gc-sections"], "noseparate.ld": ["-z", "noseparate-code"]}
PRE = {"include.ld": ["-L", str(SCRIPTS / "include")]}     # (bfd reads -T scripts as it meets them)
OBJS = {"high_half.ld": "kernel", "keep_gc.ld": "nocommon"}
NO_RUN = {"high_half.ld",       # top-half addresses: not mappable by a user process
          "all_orphans.ld",    # at address 0
          "entry.ld"}           # its entry is an ordinary function


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("scripts"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> dict:
    """main.o (with one COMMON symbol) and other.o; -mcmodel=kernel builds; main.o without COMMON."""
    out = {}
    for kind, flags in (("plain", ["-fcommon", "-DWITH_COMMON"]), ("kernel", ["-mcmodel=kernel"]),
                        ("nocommon", [])):
        files = []
        for src in ("scripts_main.c", "scripts_other.c"):
            o = build.root / f"{kind}-{src[:-2]}.o"
            if not o.exists():
                build.run(["gcc", "-c", *CFLAGS, *flags, C / src, "-o", o])
            files.append(o)
        out[kind] = files
    return out


def _link(build, direct_ld, linker: str, name: str, args) -> tuple[subprocess.CompletedProcess, Path]:
    d = build.root / linker
    d.mkdir(exist_ok=True)
    out = d / name
    if out.exists():
        out.unlink()
    cmd = (["ld.bfd"] if linker == "bfd" else list(direct_ld)) + [*map(str, args), "-o", str(out)]
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, env=tool_env())
    return p, out


def _readelf(path: Path, *opts) -> str:
    p = subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return p.stdout


def _layout_view(path: Path) -> str:
    """readelf -hlSW without what depends on .strtab's size (bfd tail-merges it), without the
    flag legend, and the symbols sorted (bfd writes globals in hash-table order)."""
    skip = re.compile(r"strtab|Start of section headers|There are \d+ section headers|Key to Flags|"
                      r"^\s+[WLCD] \(|^\s+[a-zA-Z] \(")
    text = "\n".join(line for line in _readelf(path, "-hlSW").splitlines()
                     if not skip.search(line) and "Section header string table index" not in line)
    syms = []
    for line in _readelf(path, "-sW").splitlines():
        m = re.match(r"\s*\d+:\s+(.*)$", line)
        if m:
            syms.append(" ".join(m.group(1).split()))
    return text + "\n--- symbols\n" + "\n".join(sorted(syms))


def _data_bytes(path: Path) -> dict:
    """Contents of the allocated, non-executable sections that have file bytes."""
    data = path.read_bytes()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    out = {}
    for h in hdrs:
        name = data[stro + h[0]:data.index(b"\0", stro + h[0])].decode()
        if h[2] & 2 and not h[2] & 4 and h[1] != 8:       # SHF_ALLOC, not SHF_EXECINSTR, not NOBITS
            # (the build-id hashes the whole file, whose .strtab differs)
            out[name] = data[h[4]:h[4] + h[5]] if name != ".note.gnu.build-id" else len(data[h[4]:h[4] + h[5]])
    return out


def _compare(build, direct_ld, script: str, args, run_it=True):
    pb, bfd = _link(build, direct_ld, "bfd", script + ".out", args)
    pt, test = _link(build, direct_ld, "test", script + ".out", args)
    assert pb.returncode == 0, f"bfd failed:\n{pb.stderr}"
    assert pt.returncode == 0, f"braze failed:\n{pt.stderr}"
    assert _layout_view(test) == _layout_view(bfd)
    assert _data_bytes(test) == _data_bytes(bfd)
    if run_it:
        assert run([str(test)]) == run([str(bfd)])
    return bfd, test


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.ld")))
def test_script_vs_bfd(build, direct_ld, objs, script):
    files = objs[OBJS.get(script, "plain")]
    entry = [] if "ENTRY(" in (SCRIPTS / script).read_text() else ["-e", "_start"]
    _compare(build, direct_ld, script, ["-static", *PRE.get(script, []), "-T", SCRIPTS / script,
                                        *EXTRA.get(script, []), *entry,
                                        *files], run_it=script not in NO_RUN)


def test_default_entry(build, direct_ld, objs):
    """No ENTRY and no -e: bfd's built-in default is `start`, else the start of .text, silently."""
    bfd, test = _compare(build, direct_ld, "noentry", ["-static", "-T", SCRIPTS / "basic_noentry.ld",
                                                       *objs["plain"]], run_it=False)
    assert re.search(r"Entry point address:\s+(\S+)", _readelf(test, "-h")).group(1) == \
        re.search(r"Entry point address:\s+(\S+)", _readelf(bfd, "-h")).group(1)


def test_sections_as_input_file(build, direct_ld, objs):
    """A SECTIONS script named as an input file augments bfd's default script: its statements follow
    the default script's last one (more cases: test_scripts_input.py)."""
    # (-z norelro: with nothing in RELRO, bfd does not move the data segment; braze's default-script
    # engine does, as it does for INSERT: a known difference, not this feature's)
    _compare(build, direct_ld, "asinput", ["-static", "-z", "norelro", "-e", "_start", *objs["plain"],
                                           SCRIPTS / "basic.ld"])


def test_build_id_note_orphan(build, direct_ld, objs):
    """--build-id's note, an orphan: bfd puts it ahead of the first output section."""
    _compare(build, direct_ld, "buildid", ["-static", "-e", "_start", "--build-id=sha1", "-T",
                                           SCRIPTS / "basic.ld", *objs["plain"]])


def test_gcc_driver(build, objs):
    """Through gcc (`-nostdlib -static -T`), as a firmware or kernel build links."""
    outs = {}
    for linker in ("bfd", "test"):
        p = build.link(linker, "gcc-driver", objs["plain"], "-nostdlib", "-static", "-Wl,-e,_start",
                       f"-Wl,-T,{SCRIPTS / 'memory.ld'}")
        outs[linker] = p
    assert _layout_view(outs["test"]) == _layout_view(outs["bfd"])
    assert run([str(outs["test"])]) == run([str(outs["bfd"])])


# ------------------------------------------------------------------------------------------ errors

ERRORS = {
    # name: (script text, what braze's message must contain)
    "overflow": ("MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 0x40 }\n"
                 "SECTIONS { .text : { *(.text*) } > ROM }\n", "region `ROM' overflowed by"),
    "assert": ("SECTIONS { .text 0x400000 : { *(.text*) }\n  ASSERT(SIZEOF(.text) < 16, \"text is too big\")\n}\n",
               "text is too big"),
    "syntax": ("SECTIONS {\n  .text : { *(.text) \n  .data : { *(.data) }\n", "syntax error"),
    "undefined_sym": ("SECTIONS { .text 0x400000 : { *(.text*) } x = no_such_symbol + 1; }\n",
                      "undefined symbol `no_such_symbol' referenced in expression"),
    "discarded_ref": ("SECTIONS { .text 0x400000 : { *(.text*) } .data : { *(.data*) } /DISCARD/ : { *(.wdata) } }\n",
                      "`wdata' referenced in section `.text' of"),
    "overlap": ("SECTIONS { . = 0x400000; .text : { *(.text*) } . = 0x400010; .data : { *(.data*) } }\n",
                "section .data LMA [0000000000400010,"),
    "backwards": ("SECTIONS { .text 0x400000 : { *(.text*) . = 0; } }\n",
                  "cannot move location counter backwards"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_script_errors(build, direct_ld, objs, name):
    text, want = ERRORS[name]
    path = build.root / f"err_{name}.ld"
    path.write_text(text)
    pb, bfd = _link(build, direct_ld, "bfd", f"err_{name}", ["-static", "-T", path, *objs["plain"]])
    pt, test = _link(build, direct_ld, "test", f"err_{name}", ["-static", "-T", path, *objs["plain"]])
    assert pb.returncode != 0, "bfd accepted it"
    assert pt.returncode == 1, pt.stderr
    assert not test.exists()
    assert "Traceback" not in pt.stderr
    if name == "discarded_ref":
        # bfd's lines, one per relocation (bfd prints them without its program name)
        lines = [ln.removeprefix("braze: error: ") for ln in pt.stderr.splitlines() if want in ln]
        assert lines and lines == [ln for ln in pb.stderr.splitlines() if want in ln], pt.stderr
        if not os.environ.get("BRAZE_LDDIR"):
            assert all(ln.startswith("braze: error: ") for ln in pt.stderr.splitlines() if want in ln)
    elif not os.environ.get("BRAZE_LDDIR"):
        assert "braze: error:" in pt.stderr and want in pt.stderr, pt.stderr


def test_braze_message_syntax_position(build, direct_ld, objs):
    """A syntax error names file:line:col, the token found and what was expected."""
    path = build.root / "pos.ld"
    path.write_text("SECTIONS\n{\n  .text : { *(.text) }\n  .data 0x1000 { *(.data) }\n}\n")
    p, out = _link(build, direct_ld, "test", "pos", ["-static", "-T", path, *objs["plain"]])
    assert p.returncode == 1 and not out.exists()
    assert f"braze: error: {path}:4:16: syntax error in linker script: expected ':' after the output " \
           "section name and address, found '{'" in p.stderr, p.stderr


REFUSED = {
    "program header type 0x60000000 in PHDRS": "PHDRS { x 0x60000000; }\nSECTIONS { .text 0x400000 : "
                                                "{ *(.text) } :x }\n",
}


@pytest.mark.parametrize("what", sorted(REFUSED))
def test_braze_message_refused_constructs(build, direct_ld, objs, what):
    """Constructs braze does not implement are refused by name with file:line:col, never ignored."""
    path = build.root / ("refused_" + re.sub(r"\W+", "_", what) + ".ld")
    path.write_text(REFUSED[what])
    p, out = _link(build, direct_ld, "test", path.stem, ["-static", "-T", path, *objs["plain"]])
    assert p.returncode == 1 and not out.exists(), p.stderr
    assert re.search(re.escape(str(path)) + r":\d+:\d+: linker script construct " + re.escape(what) +
                     " is not supported by braze", p.stderr), p.stderr




def test_determinism(build, direct_ld, objs):
    """Two links of a script with orphans, sorting and merged strings are byte-identical."""
    outs = []
    for i in range(2):
        env = dict(tool_env(), PYTHONHASHSEED=str(i + 1))
        out = build.root / f"det{i}"
        subprocess.run([*direct_ld, "-static", "-e", "_start", "-T", str(SCRIPTS / "orphans.ld"),
                        *map(str, objs["plain"]), "-o", str(out)], check=True, env=env)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def _script_section_names(text: str) -> list[str]:
    body = text.split("=" * 50 + "\n")[1]
    return re.findall(r"(?:^|\s)(\.[\w.]+|/DISCARD/)\s+(?:0\s+)?(?:\([A-Z]+\)\s*)?:\s*(?:ALIGN\([^)]*\)\s*)?"
                      r"(?:ONLY_IF_R[OW]\s*)?\{", body)


def test_verbose_prints_default_script(direct_ld):
    """`--verbose` prints the default layout as a script: its output sections are bfd's, in bfd's order."""
    bfd = subprocess.run(["ld.bfd", "--verbose"], capture_output=True, text=True, env=tool_env())
    ours = subprocess.run([*direct_ld, "--verbose"], capture_output=True, text=True, env=tool_env())
    assert bfd.returncode == 0 and ours.returncode == 0, ours.stderr
    theirs, mine = _script_section_names(bfd.stdout), _script_section_names(ours.stdout)
    # (braze's default layout keeps the large-model sections next to their small-model kin, where
    # bfd's script has them after .lbss: a known difference of the default layout, not of the text)
    mine = [n for n in mine if n not in (".lrodata", ".ldata")]
    theirs = [n for n in theirs if n not in (".lrodata", ".ldata")]
    assert len(mine) > 40
    it = iter(theirs)
    missing = [n for n in mine if n not in it]      # a subsequence of bfd's list
    assert not missing, (missing, theirs)


# ------------------------------------------------------------------------------------ bare metal

def test_multiboot_image_in_qemu(build, direct_ld):
    """A bare-metal multiboot image (tests/c/scripts_multiboot.S, tests/scripts/baremetal/multiboot.ld)
    linked by both: same layout and symbols, and under qemu-system-x86_64 the same serial output
    (a message, then script symbols' values as the image reads them) and isa-debug-exit status."""
    qemu = need_tool("qemu-system-x86_64")
    obj = build.root / "multiboot.o"
    build.run(["gcc", "-c", C / "scripts_multiboot.S", "-o", obj])
    script = SCRIPTS / "baremetal" / "multiboot.ld"
    res = {}
    for linker in ("bfd", "test"):
        p, out = _link(build, direct_ld, linker, "multiboot.elf", ["-T", script, obj])
        assert p.returncode == 0, p.stderr
        q = subprocess.run([qemu, "-kernel", str(out), "-display", "none", "-serial", "stdio", "-device",
                            "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot", "-m", "64"],
                           capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        res[linker] = (out, q.returncode, q.stdout)
    assert _layout_view(res["test"][0]) == _layout_view(res["bfd"][0])
    assert res["test"][1:] == res["bfd"][1:]
    assert res["bfd"][2].startswith("hello from a bare-metal image\n"), res["bfd"]


# ---------------------------------------------------------------------------------------- hosted

def _sections_and_segments(path: Path) -> list:
    """Section names, types and flags in header order, and each segment's type and flags (addresses
    are left out: braze's static .plt for IFUNCs is larger than bfd's, as in the default layout)."""
    rows = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+([A-Z]*)\s",
                      _readelf(path, "-SW"), re.M)
    segs = re.findall(r"^\s+([A-Z_]+)\s+0x\S+\s+0x\S+\s+0x\S+\s+0x\S+\s+0x\S+\s+([RWE ]+?)\s+0x",
                      _readelf(path, "-lW"), re.M)
    return [r for r in rows if r[0] not in (".strtab", ".shstrtab")] + [("seg",) + s for s in segs]


@pytest.mark.parametrize("gc", [False, True], ids=["plain", "gc-sections"])
def test_hosted_static_glibc(build, gc):
    """A -static glibc program linked through gcc with its own SECTIONS script: same output and exit
    status as with bfd, same sections (names, types, flags, order) and segments."""
    res = {}
    flags = ["-O2", "-static", "-no-pie", f"-Wl,-T,{SCRIPTS / 'hosted' / 'static_glibc.ld'}"]
    if gc:
        flags += ["-ffunction-sections", "-fdata-sections", "-Wl,--gc-sections"]
    for linker in ("bfd", "test"):
        out = build.link(linker, f"hosted{'-gc' if gc else ''}", [C / "scripts_hosted.c"], *flags)
        res[linker] = out
    assert run([str(res["test"]), "x"]) == run([str(res["bfd"]), "x"])
    assert _sections_and_segments(res["test"]) == _sections_and_segments(res["bfd"])
