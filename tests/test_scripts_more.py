"""More linker-script constructs (OVERLAY, NOCROSSREFS, typed output sections, CONSTRUCTORS,
CREATE_OBJECT_SYMBOLS, SORT_BY_INIT_PRIORITY, INPUT_SECTION_FLAGS, REGION_ALIAS, LD_FEATURE, an
undeclared region, NOP padding of code), against ld.bfd.

Each script links the same freestanding objects (tests/c/scripts_more_main.c with
tests/c/scripts_other.c) with `ld.bfd -static -T script` and with the linker under test. Compared,
as in tests/test_scripts.py: `readelf -hlSW` (minus the string-table rows), the symbol table, the
bytes of the allocated non-code sections; here also the bytes of the code sections (the padding
between input sections is bfd's NOPs) and the stderr warnings; and where the program can run, its
stdout (the script symbols' addresses, the init table in its sorted order) and exit status. Error
cases: both linkers fail, and braze's message is bfd's with `braze: error:` for bfd's prefix."""
from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_shared import run
from test_scripts import CFLAGS, _layout_view, _data_bytes

HERE = Path(__file__).resolve().parent
C = HERE / "c"

TEXT = ".text 0x400000 : { *(.text*) }\n"
REST = ".data : { *(.data*) *(.init_array*) *(.ctors*) }\n.bss : { *(.bss*) *(COMMON) }\n"

# name: (script, can run)
SCRIPTS = {
    "overlay": ("SECTIONS {\n" + TEXT + "  OVERLAY 0x500000 : AT(0x600000) {\n    .ov1 { *(.ov1) }\n"
                "    .ov2 { *(.ov2) }\n  }\n  after_ov = .;\n" + REST + "}\n", False),
    "overlay_plain": ("SECTIONS {\n" + TEXT + REST + "  OVERLAY : NOCROSSREFS {\n    .ov1 { *(.ov1) } =0x11\n"
                      "    .ov2 { *(.ov2) }\n  } =0x90909090\n  after_ov = .;\n}\n", False),
    "overlay_region": ("MEMORY { RAM (rwx) : ORIGIN = 0x500000, LENGTH = 1M\n  ROM (rx) : ORIGIN = 0x700000, "
                       "LENGTH = 1M }\nSECTIONS {\n" + TEXT + "  OVERLAY : { .ov1 { *(.ov1) } .ov2 { *(.ov2) } }"
                       " > RAM AT> ROM\n  after_ov = .;\n" + REST + "}\n", False),
    "overlay_region_data": ("MEMORY { RAM (rwx) : ORIGIN = 0x500000, LENGTH = 1M\n  ROM (rx) : ORIGIN = 0x700000, "
                            "LENGTH = 1M }\nSECTIONS {\n" + TEXT + "  OVERLAY : { .ov1 { *(.ov1) } .ov2 { *(.ov2) } }"
                            " > RAM AT> ROM\n  .data : { *(.data*) *(.rodata*) *(.rw_to_ro) *(.info1) *(.wdata) "
                            "*(.sorted*) *(.init_array*) *(.ctors*) } > RAM\n  .bss : { *(.bss*) }\n}\n", False),
    # a section after one with an LMA region, in no region: bfd keeps LMA = VMA (its region's last
    # tracked section is none), and an empty-file segment takes no file space
    "lma_region_then_plain": ("MEMORY { RAM (rwx) : ORIGIN = 0x500000, LENGTH = 1M\n  ROM (rx) : ORIGIN = 0x700000, "
                              "LENGTH = 1M }\nSECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) }\n  .data : { "
                              "*(.data*) *(.rodata*) *(.info1) *(.wdata) *(.sorted*) *(.init_array*) *(.ctors*) } "
                              "> RAM AT> ROM\n  .more : { *(.rw_to_ro) *(.ov1) }\n  .bss : { *(.bss*) }\n}\n", False),
    "dot_backwards": ("SECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) }\n  .data 0x500000 : AT(0x600000) { "
                      "*(.data*) *(.rodata*) *(.info1) *(.wdata) *(.sorted*) *(.init_array*) *(.ctors*) }\n"
                      "  . = 0x480000;\n  .more : { *(.rw_to_ro) *(.ov1) }\n  .bss : { *(.bss*) }\n}\n", False),
    "types": ("SECTIONS {\n" + TEXT + "  .data : { *(.data*) }\n  .info1 (INFO) : { info_start = .; *(.info1) "
              "info_end = .; }\n  after_info = .;\n  .rw_to_ro : { *(.rw_to_ro) }\n"
              "  .ov1 (COPY) : { *(.ov1) }\n  .ov2 (DSECT) : { *(.ov2) }\n  .init (OVERLAY) : { *(.init_array*) "
              "*(.ctors*) }\n  .bss : { *(.bss*) }\n}\n", False),
    "readonly": ("SECTIONS {\n" + TEXT + "  .data : { *(.data*) }\n  .rw_to_ro (READONLY) : { *(.rw_to_ro) }\n"
                 "  .bss : { *(.bss*) }\n}\n", True),
    "readonly_first": ("SECTIONS {\n" + TEXT + "  .rw_to_ro (READONLY) : { *(.rw_to_ro) }\n  .data : { *(.data*) }\n"
                       "  .bss : { *(.bss*) }\n}\n", True),
    "object_symbols": ("SECTIONS {\n  .text 0x400000 : { CREATE_OBJECT_SYMBOLS *(.text*) *(.ov2) }\n"
                       "  .data : { *(.data*) CONSTRUCTORS *(.ov1) *(.rw_to_ro) *(.init_array*) *(.ctors*) }\n"
                       "  .bss : { *(.bss*) }\n}\n", True),
    "init_priority": ("SECTIONS {\n" + TEXT + "  .rodata : { *(.rodata*) *(.rw_to_ro) *(.ov1) }\n"
                      "  .init_array : { init_start = .; KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) "
                      "SORT_BY_INIT_PRIORITY(.ctors.*))) KEEP(*(.init_array)) init_end = .; }\n"
                      "  .data : { *(.data*) }\n  .bss : { *(.bss*) }\n  .text2 : { *(.ov2) }\n}\n", True),
    "section_flags": ("SECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) }\n"
                      "  .strs : { strs_start = .; INPUT_SECTION_FLAGS(SHF_MERGE & SHF_STRINGS) *(.rodata*) "
                      "strs_end = .; }\n  .rodata : { INPUT_SECTION_FLAGS(!SHF_WRITE) *(.rodata* .rw_to_ro) }\n"
                      "  .data : { INPUT_SECTION_FLAGS(SHF_WRITE & SHF_ALLOC) *(.data* .rw_to_ro .ov1 .init_array* "
                      ".ctors*) }\n  .bss : { *(.bss*) }\n}\n", True),
    "region_alias": ("MEMORY { ROM (rx) : ORIGIN = 0x400000, LENGTH = 64K\n  RAM (rw) : ORIGIN = 0x600000, "
                     "LENGTH = 64K }\nREGION_ALIAS(\"REGION_TEXT\", ROM)\nREGION_ALIAS(\"REGION_DATA\", RAM)\n"
                     "SECTIONS {\n  .text : { *(.text*) *(.ov2) } > REGION_TEXT\n  .data : { *(.data*) *(.ov1) "
                     "*(.rw_to_ro) *(.init_array*) *(.ctors*) } > REGION_DATA\n  .bss : { *(.bss*) } > REGION_DATA\n"
                     "  rgn_end = ORIGIN(REGION_DATA) + LENGTH(REGION_DATA);\n}\n", True),
    "sane_expr": ("LD_FEATURE(\"SANE_EXPR\")\nabs_sym = 0x1234;\nSECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) }\n"
                  "  .data : { *(.data*) *(.ov1) *(.rw_to_ro) *(.init_array*) *(.ctors*) in_sec = abs_sym + 4; }\n"
                  "  sane_sym = ADDR(.data) + abs_sym;\n  .bss : { *(.bss*) }\n}\n", True),
    "no_sane_expr": ("abs_sym = 0x1234;\nSECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) }\n"
                     "  .data : { *(.data*) *(.ov1) *(.rw_to_ro) *(.init_array*) *(.ctors*) in_sec = abs_sym + 4; }\n"
                     "  sane_sym = ADDR(.data) + abs_sym;\n  .bss : { *(.bss*) }\n}\n", True),
    "undeclared_region": ("SECTIONS {\n  .text 0x400000 : { *(.text*) *(.ov2) } > NOWHERE\n  .data : { *(.data*) "
                          "*(.ov1) *(.rw_to_ro) *(.init_array*) *(.ctors*) } > NOWHERE\n  .bss : { *(.bss*) } > NOWHERE\n}\n",
                          True),
    "code_padding": ("SECTIONS {\n  .text 0x400000 : { *(.text) . = ALIGN(32); *(.text.gap) . += 7; *(.ov2) "
                     ". = ALIGN(16); }\n  .text2 : { *(.text*) } =0xcc\n" + REST +
                     "  .ov1 : { *(.ov1) *(.rw_to_ro) }\n}\n", True),
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("scripts_more"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> list:
    files = []
    for src in ("scripts_more_main.c", "scripts_other.c"):
        o = build.root / f"{src[:-2]}.o"
        build.run(["gcc", "-c", *CFLAGS, C / src, "-o", o])
        files.append(o)
    return files


def _link(build, direct_ld, linker, name, args):
    d = build.root / linker
    d.mkdir(exist_ok=True)
    out = d / name
    if out.exists():
        out.unlink()
    cmd = (["ld.bfd"] if linker == "bfd" else list(direct_ld)) + [*map(str, args), "-o", str(out)]
    return subprocess.run(cmd, cwd=d, capture_output=True, text=True, env=tool_env()), out


def _code_bytes(path: Path) -> dict:
    """The bytes of every executable section (NOP padding between the input sections)."""
    data = path.read_bytes()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shnum, shstrndx = struct.unpack_from("<HH", data, 0x3c)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + 64 * i) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    return {data[stro + h[0]:data.index(b"\0", stro + h[0])].decode(): data[h[4]:h[4] + h[5]]
            for h in hdrs if h[2] & 4 and h[1] != 8}


def _warnings(text: str, prog: str) -> list:
    """The warnings, each once (bfd repeats some in each of its sizing passes)."""
    return sorted({line.split(": ", 1)[1].replace("warning: ", "") for line in text.splitlines()
                   if "warning" in line and "RWX" not in line and line.startswith(prog)})


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_script_vs_bfd(build, direct_ld, objs, name):
    text, can_run = SCRIPTS[name]
    script = build.root / f"{name}.ld"
    script.write_text(text)
    args = ["-static", "-e", "_start", "-T", script, *objs]
    pb, bfd = _link(build, direct_ld, "bfd", name, args)
    pt, test = _link(build, direct_ld, "test", name, args)
    assert pb.returncode == 0, f"bfd failed:\n{pb.stderr}"
    assert pt.returncode == 0, f"braze failed:\n{pt.stderr}"
    assert _layout_view(test) == _layout_view(bfd)
    assert _data_bytes(test) == _data_bytes(bfd)
    assert _code_bytes(test) == _code_bytes(bfd)
    assert [w.replace(str(script), script.name) for w in _warnings(pt.stderr, "braze")] == \
        [w.replace("ld.bfd:", "") for w in _warnings(pb.stderr.replace("ld.bfd:" + str(script), "ld.bfd: " +
                                                                        script.name), "ld.bfd")]
    if can_run:
        assert run([str(test)]) == run([str(bfd)])


ERRORS = {
    # name: script; both linkers fail with the same message (bfd's program name aside)
    "nocrossrefs": "NOCROSSREFS(.ov2 .text)\nSECTIONS {\n" + TEXT + "  OVERLAY 0x500000 : AT(0x600000) "
                   "{ .ov1 { *(.ov1) } .ov2 { *(.ov2) } }\n" + REST + "}\n",
    "nocrossrefs_data": "NOCROSSREFS(.text .data)\nSECTIONS {\n" + TEXT + REST + "}\n",
    "nocrossrefs_to": "NOCROSSREFS_TO(.data .text)\nSECTIONS {\n" + TEXT + REST + "}\n",
    "overlay_nocrossrefs": "SECTIONS {\n  .text2 0x400000 : { *(.text.*) }\n  OVERLAY 0x500000 : NOCROSSREFS "
                           "AT(0x600000) { .o1 { *(.text) } .o2 { *(.ov2) } }\n" + REST + "}\n",
    "region_alias_twice": "MEMORY { R : ORIGIN = 0x400000, LENGTH = 1M }\nREGION_ALIAS(\"X\", R)\n"
                          "REGION_ALIAS(\"X\", R)\nSECTIONS { .text : { *(.text*) } > X }\n",
    "region_alias_missing": "MEMORY { R : ORIGIN = 0x400000, LENGTH = 1M }\nREGION_ALIAS(\"X\", Q)\n"
                            "SECTIONS { .text : { *(.text*) } > X }\n",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_script_errors_vs_bfd(build, direct_ld, objs, name):
    path = build.root / f"err_{name}.ld"
    path.write_text(ERRORS[name])
    args = ["-static", "-e", "_start", "-T", path, *objs]
    pb, _ = _link(build, direct_ld, "bfd", f"err_{name}", args)
    pt, test = _link(build, direct_ld, "test", f"err_{name}", args)
    assert pb.returncode != 0, "bfd accepted it"
    assert pt.returncode == 1 and not test.exists(), pt.stderr
    assert "Traceback" not in pt.stderr
    theirs = [re.sub(r"^ld\.bfd: ?", "", line) for line in pb.stderr.splitlines() if "RWX" not in line]
    mine = [re.sub(r"^braze: error: ", "", line) for line in pt.stderr.splitlines() if "RWX" not in line]
    theirs = [line.replace(f"{path}:", f"{path.name}:").replace("error: ", "") for line in theirs]
    mine = [re.sub(r"^" + re.escape(str(path)) + r":(\d+):\d+:", path.name + r":\1:", line).replace("error: ", "")
            for line in mine]
    # (bfd reports in its symbol table's order, naming the function again each time: the messages
    # are compared as a set, without the `in function' lines)
    assert _messages(mine) == _messages(theirs)


def _messages(lines):
    return sorted(line for line in lines if "in function" not in line)


def test_braze_message_unknown_section_flag(build, direct_ld, objs):
    """An INPUT_SECTION_FLAGS name bfd does not know: bfd prints a note and drops it; braze refuses."""
    path = build.root / "badflag.ld"
    path.write_text("SECTIONS { .text 0x400000 : { INPUT_SECTION_FLAGS(SHF_FOO) *(.text*) } }\n")
    pt, test = _link(build, direct_ld, "test", "badflag", ["-static", "-e", "_start", "-T", path, *objs])
    assert pt.returncode == 1 and not test.exists()
    assert f"braze: error: {path}:1:51: unrecognized INPUT_SECTION_FLAGS type `SHF_FOO'" in pt.stderr, pt.stderr


def _link_no_o(build, direct_ld, linker, sub, args):
    d = build.root / sub / linker
    d.mkdir(parents=True, exist_ok=True)
    for f in d.iterdir():
        f.unlink()
    cmd = (["ld.bfd"] if linker == "bfd" else list(direct_ld)) + [*map(str, args)]
    return subprocess.run(cmd, cwd=d, capture_output=True, text=True, env=tool_env()), d


@pytest.mark.parametrize("with_o", [False, True], ids=["output-names-it", "dash-o-wins"])
def test_output_command(build, direct_ld, objs, with_o):
    """OUTPUT(file) names the output file; -o (even `-o a.out`) overrides it. Compared: the files
    each linker leaves in its directory, and the programs' behaviour."""
    script = build.root / "output_cmd.ld"
    script.write_text("OUTPUT(from_script.elf)\nSECTIONS {\n" + TEXT + REST + "}\n")
    args = ["-static", "-e", "_start", "-T", script, *objs] + (["-o", "a.out"] if with_o else [])
    res = {}
    for linker in ("bfd", "test"):
        p, d = _link_no_o(build, direct_ld, linker, f"output_{with_o}", args)
        assert p.returncode == 0, p.stderr
        res[linker] = (sorted(f.name for f in d.iterdir()), d)
    assert res["test"][0] == res["bfd"][0] == ["a.out" if with_o else "from_script.elf"]
    name = res["bfd"][0][0]
    assert run([str(res["test"][1] / name)]) == run([str(res["bfd"][1] / name)])


def test_startup_command(build, direct_ld, objs):
    """STARTUP(file): the file is linked first (its sections lead .text and .data), in both linkers."""
    script = build.root / "startup.ld"
    script.write_text(f"STARTUP({objs[1]})\nSECTIONS {{\n" + TEXT + REST + "}\n")
    args = ["-static", "-e", "_start", "-T", script, objs[0]]
    pb, bfd = _link(build, direct_ld, "bfd", "startup", args)
    pt, test = _link(build, direct_ld, "test", "startup", args)
    assert pb.returncode == 0 and pt.returncode == 0, pb.stderr + pt.stderr
    assert _layout_view(test) == _layout_view(bfd)
    assert _code_bytes(test) == _code_bytes(bfd)
    assert run([str(test)]) == run([str(bfd)])


def test_braze_message_startup_after_inputs(build, direct_ld, objs):
    """A STARTUP script read after other inputs: bfd still links the file first; braze refuses."""
    script = build.root / "startup_late.ld"
    script.write_text(f"STARTUP({objs[1]})\nSECTIONS {{\n" + TEXT + REST + "}\n")
    pt, test = _link(build, direct_ld, "test", "startup_late", ["-static", "-e", "_start", objs[0], "-T", script])
    assert pt.returncode == 1 and not test.exists()
    assert f"braze: error: {script}: STARTUP({objs[1]}) in a script read after other input files is not " \
           "supported by braze" in pt.stderr, pt.stderr


@pytest.mark.parametrize("order", ["L-first", "T-first"])
def test_include_search_order(build, direct_ld, objs, order):
    """INCLUDE in a -T script searches the -L directories given before the -T only (bfd reads the
    script while it parses the options): with -L after -T both linkers fail to find the file."""
    inc = build.root / "incdir"
    inc.mkdir(exist_ok=True)
    (inc / "inc_part.ld").write_text("SECTIONS {\n" + TEXT + REST + "}\n")
    script = build.root / "incmain.ld"
    script.write_text("INCLUDE inc_part.ld\n")
    opts = ["-L", inc, "-T", script] if order == "L-first" else ["-T", script, "-L", inc]
    args = ["-static", "-e", "_start", *opts, *objs]
    pb, bfd = _link(build, direct_ld, "bfd", f"inc_{order}", args)
    pt, test = _link(build, direct_ld, "test", f"inc_{order}", args)
    assert (pt.returncode == 0) == (pb.returncode == 0), pb.stderr + pt.stderr
    if pb.returncode == 0:
        assert _layout_view(test) == _layout_view(bfd)
    else:
        assert pt.returncode == 1 and not test.exists()
        assert "cannot open linker script file inc_part.ld: No such file or directory" in pb.stderr
        assert f"braze: error: {script}:1:1: cannot open linker script file inc_part.ld: No such file or " \
               "directory" in pt.stderr, pt.stderr


R_SCRIPTS = {
    # -r with a SECTIONS script (kbuild's module.lds style), read by the same parser as final links
    "module_like": "SECTIONS {\n  /DISCARD/ : { *(.discard) *(.discard.*) }\n  .ctors 0 : ALIGN(8) { *(SORT(.ctors.*)) "
                   "*(.ctors) }\n  .init_array 0 : ALIGN(8) { *(SORT(.init_array.*)) *(.init_array) }\n"
                   "  .text : { *(.text .text.[0-9a-zA-Z_]*) *(.text..L*) }\n  .ovl : { KEEP(*(.ov1)) *(.ov2) }\n"
                   "  .data : { *(.data .data.* .rw_to_ro .info1 .wdata .sorted.*) }\n  .rodata : { *(.rodata*) }\n"
                   "  .bss : { *(.bss .bss.*) }\n}\n",
    "sorted_globs": "SECTIONS {\n  .text : { *(SORT(.text.*)) *(.text) }\n  .data : { *(.data* .sorted* .wdata) "
                    "*(SORT_BY_NAME(.ov*)) *(SORT(.init_array*) SORT(.ctors*)) }\n}\n",
}


@pytest.mark.parametrize("name", sorted(R_SCRIPTS))
def test_relocatable_script_vs_bfd(build, direct_ld, objs, name):
    """`ld -r -T script`: the same sections, symbols and relocations as bfd's (tests/test_relocatable.py's
    views)."""
    from test_relocatable import _same_views
    script = build.root / f"r_{name}.ld"
    script.write_text(R_SCRIPTS[name])
    args = ["-r", "-T", script, *objs]
    pb, bfd = _link(build, direct_ld, "bfd", f"r_{name}.o", args)
    pt, test = _link(build, direct_ld, "test", f"r_{name}.o", args)
    assert pb.returncode == 0 and pt.returncode == 0, pb.stderr + pt.stderr
    _same_views(test, bfd)


R_REFUSED = {
    # what a -r link does not lay out is refused, with file:line:col where the parser knows it
    "at": ("SECTIONS {\n  .text : AT(0x1000) { *(.text) }\n}\n", "{}:2:3: output section .text: AT, regions, fill"),
    "assign": ("base_sym = 0x1000;\nSECTIONS {\n  .data : { *(.data .data.*) }\n}\n",
               "{}:1:1: symbol assignments and ASSERT in a linker script are not supported by braze with -r"),
    "sort_mix": ("SECTIONS {\n  .text : { *(SORT(.text.*) .text) }\n}\n",
                 "{}:2:13: SORT together with unsorted patterns in one input description"),
    "assign_no_sections": ("base_sym = 0x1000;\n",
                           "{}: symbol assignments in a linker script are not supported by braze with -r"),
}


@pytest.mark.parametrize("name", sorted(R_REFUSED))
def test_braze_message_relocatable_script_refused(build, direct_ld, objs, name):
    text, want = R_REFUSED[name]
    script = build.root / f"r_refused_{name}.ld"
    script.write_text(text)
    pt, test = _link(build, direct_ld, "test", f"r_refused_{name}.o", ["-r", "-T", script, *objs])
    assert pt.returncode == 1 and not test.exists()
    assert "braze: error: " + want.format(script) in pt.stderr, pt.stderr


@pytest.mark.parametrize("where", ["not-an-input", "later-input"])
def test_named_file_loaded_by_script(build, direct_ld, objs, where):
    """A file named without wildcards in a description (`FILE(.text)`): bfd loads it when it reads
    the script, before the inputs that follow (even when the same name comes later on the command
    line), so its sections come first for `*(…)` too. Same layout, symbols, code and behaviour."""
    script = build.root / f"named_{where}.ld"
    script.write_text("SECTIONS {\n  .text 0x400000 : { *(.text .text.* .ov2) " + str(objs[1]) +
                      "(.text) }\n" + REST + "  .rest : { *(.ov1 .rw_to_ro .rodata*) }\n}\n")
    args = ["-static", "-e", "_start", "-T", script, objs[0]] + ([objs[1]] if where == "later-input" else [])
    pb, bfd = _link(build, direct_ld, "bfd", f"named_{where}", args)
    pt, test = _link(build, direct_ld, "test", f"named_{where}", args)
    assert pb.returncode == 0 and pt.returncode == 0, pb.stderr + pt.stderr
    assert _layout_view(test) == _layout_view(bfd)
    assert _code_bytes(test) == _code_bytes(bfd)
    assert _data_bytes(test) == _data_bytes(bfd)
    assert run([str(test)]) == run([str(bfd)])
