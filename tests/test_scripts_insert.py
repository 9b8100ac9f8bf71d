"""INSERT AFTER/BEFORE and SECTIONS scripts given as input files, against ld.bfd.

A -T script whose SECTIONS ends with `INSERT AFTER|BEFORE section` is moved into the main script
(bfd's built-in default script, or a -T script without INSERT) at that section, as bfd's
process_insert_statements does. Each case links tests/c/sins_main.c (custom sections, script-defined
boundary symbols, a PROVIDE, TLS, a constructor) or the freestanding tests/c/sins_bare.c with ld.bfd
and with braze, from the same objects and scripts, in -pie, -no-pie, -shared and -static links, with
-z relro/norelro/now and --gc-sections. Compared: `readelf -hlSW` minus the string-table rows and
the symbol table (test_scripts._layout_view), the dynamic section, dynamic symbols and relocations
(test_scripts_dynamic._dyn_view), the bytes of the data sections, and the programs' output and exit
status (a library through ctypes). Hosted links use --hash-style=sysv (.gnu.hash sizing is outside
this area, as in test_scripts_dynamic); hosted -static glibc links are not compared here because
braze's IRELATIVE .plt differs from bfd's with or without a script, so the static cases are
freestanding.

The errors are bfd's: a section not found for insert (also one named in the INSERT script itself),
and any INSERT in a script given as an input file (bfd 2.40 warns "did you forget -T?" and then
finds no section to insert at)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_shared import run, run_ctypes
from test_scripts import _layout_view, _data_bytes
from test_scripts_dynamic import _dyn_view, SYSV

C = Path(__file__).resolve().parent / "c"

MYDATA = "SECTIONS { .mydata : { __my_start = .; KEEP (*(.mydata)) __my_end = .; } }\n"
SCRIPTS = {
    "after_data": MYDATA + "INSERT AFTER .data;\n",
    "before_bss": MYDATA + "INSERT BEFORE .bss;\n",
    "after_text": "SECTIONS { .mytext : { *(.mytext) } }\nINSERT AFTER .text;\n",
    "text_after_data": "SECTIONS { .mytext : { *(.mytext) } }\nINSERT AFTER .data;\n",
    # after .fini come PROVIDE(etext…) and `. = ALIGN(…)`: bfd inserts between them
    "after_fini_provide": "SECTIONS { .myro : { PROVIDE (my_provided = .); *(.myro) } }\nINSERT AFTER .fini;\n",
    # top-level statements before SECTIONS move with it
    "top_assign": "my_abs = 0x1234;\n. = ALIGN(0x100);\nSECTIONS { .mydata : { __my_start = .; *(.mydata) "
                  "__my_end = .; } }\nINSERT BEFORE .data;\n",
    "kept": "SECTIONS { .mykept : { KEEP (*(.mykept)) } }\nINSERT AFTER .data;\n",
    "ro": "SECTIONS { .myro : { *(.myro) } }\nINSERT BEFORE .rodata;\n",
    "bad_target": MYDATA + "INSERT AFTER .nosuch;\n",
    "self_target": "SECTIONS { .a : { *(.a) } .mydata : { *(.mydata) } }\nINSERT AFTER .a;\n",
    "main_static": "SECTIONS { . = 0x500000 + SIZEOF_HEADERS; .text : { *(.text .text.*) }\n"
                   "  . = ALIGN(0x1000); .data : { *(.data .data.*) } .bss : { *(.bss .bss.*) } }\n",
}

# name: (object kind, link flags, scripts in order)
CASES = {
    "pie_after_data": ("pie", ["-pie"], ["after_data"]),
    "pie_before_bss_ro": ("pie", ["-pie"], ["before_bss", "ro"]),
    "pie_two_scripts": ("pie", ["-pie"], ["after_text", "after_data"]),
    "pie_provide": ("pie", ["-pie"], ["after_fini_provide", "after_data"]),
    "pie_gc_kept": ("pie", ["-pie", "-Wl,--gc-sections"], ["kept", "after_data", "ro"]),
    "exe_after_fini_provide": ("exe", ["-no-pie"], ["after_fini_provide"]),
    "exe_top_assign_norelro": ("exe", ["-no-pie", "-Wl,-z,norelro"], ["top_assign"]),
    "exe_before_bss_after_text": ("exe", ["-no-pie"], ["before_bss", "after_text", "after_fini_provide"]),
    "so_after_data": ("so", ["-shared"], ["after_data"]),
    "so_before_bss_norelro": ("so", ["-shared", "-Wl,-z,norelro"], ["before_bss", "kept"]),
    "static_two_scripts": ("bare", ["-static", "-nostdlib"], ["after_text", "after_data"]),
    # two INSERTs after one section: the later script's statements come first (bfd)
    "static_same_target": ("bare", ["-static", "-nostdlib"], ["text_after_data", "after_data"]),
    "static_gc": ("bare", ["-static", "-nostdlib", "-Wl,--gc-sections"], ["kept", "before_bss"]),
    "static_main_script": ("bare", ["-static", "-nostdlib"], ["after_data", "after_text", "main_static"]),
}

DATA = (".rodata", ".data", ".data.rel.ro", ".init_array", ".fini_array", ".tdata", ".mydata", ".myro",
        ".mykept", ".interp")


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("sins"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> dict:
    out = {}
    for name, src, flags in (("pie", "sins_main.c", ["-fPIE"]), ("exe", "sins_main.c", ["-fno-pie"]),
                             ("so", "sins_main.c", ["-fPIC"]),
                             ("bare", "sins_bare.c", ["-fno-pie", "-ffreestanding", "-fno-stack-protector",
                                                      "-fno-asynchronous-unwind-tables"])):
        o = build.root / f"{name}.o"
        build.run(["gcc", "-c", "-O1", "-ffunction-sections", "-fdata-sections", *flags, C / src, "-o", o])
        out[name] = o
    for name, text in SCRIPTS.items():
        (build.root / f"{name}.ld").write_text(text)
    return out


def _got_range(path: Path):
    p = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, env=tool_env())
    m = re.search(r"\] \.got\s+PROGBITS\s+([0-9a-f]+) [0-9a-f]+ ([0-9a-f]+)", p.stdout)
    return (int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16)) if m else (0, 0)


def compare_with_bfd(test, bfd, kind, data=DATA):
    """What each scripted case compares with bfd's link: `readelf -hlSW` and the symbols, the dynamic
    view (GOT slots without their place: the GOT's order is braze's own, with or without a script),
    the bytes of the `data` sections, and a library's behaviour through ctypes. Returns the two
    programs' runs (None for a library) for the caller's own checks."""
    assert _layout_view(test) == _layout_view(bfd)
    if kind != "bare":
        dt, db = _dyn_view(test), _dyn_view(bfd)
        for v, path in ((dt, test), (db, bfd)):
            lo, hi = _got_range(path)
            v["slots"] = sorted(t for _, t in v["slots"])
            v["relocs"] = sorted(r[1:] if lo <= int(r[0], 16) < hi else r for r in v["relocs"])
        assert dt == db
    want = {k: v for k, v in _data_bytes(bfd).items() if k in data}
    got = {k: v for k, v in _data_bytes(test).items() if k in data}
    assert got == want
    if kind == "so":
        assert run_ctypes(test, ["lib_value"]) == run_ctypes(bfd, ["lib_value"])
        return None
    r_test, r_bfd = run([str(test)]), run([str(bfd)])
    assert r_test == r_bfd
    return r_bfd


def _scripts(build, names):
    return [f"-Wl,-T,{build.root / (n + '.ld')}" for n in names]


def link_case_both(build, objs, name, case):
    """Link one (kind, flags, INSERT scripts) case with bfd and braze; compare_with_bfd's result."""
    kind, flags, scripts = case
    outs = {}
    for linker in ("bfd", "test"):
        out = f"{name}.so" if kind == "so" else name
        extra = [] if kind == "bare" else [SYSV]
        outs[linker] = build.link(linker, out, [objs[kind]], *flags, *extra, *_scripts(build, scripts))
    return compare_with_bfd(outs["test"], outs["bfd"], kind)


@pytest.mark.parametrize("name", sorted(CASES))
def test_insert_vs_bfd(build, objs, name):
    kind = CASES[name][0]
    r_bfd = link_case_both(build, objs, name, CASES[name])
    if r_bfd is not None:
        assert r_bfd[0] == (0 if kind != "bare" else r_bfd[0]) and r_bfd[0] >= 0, r_bfd


def test_insert_deterministic(build, objs):
    outs = [build.link("test", f"det{i}", [objs["pie"]], "-pie", *_scripts(build, ["after_data", "after_text"]))
            .read_bytes() for i in range(2)]
    assert outs[0] == outs[1]


def _both_fail(build, objs, name, inputs, *flags):
    res = {}
    for linker in ("bfd", "test"):
        p = build.link(linker, name, inputs, *flags, check=False)
        assert not isinstance(p, Path), f"{linker} linked {name}"
        assert p.returncode == 1 and "Traceback" not in p.stderr
        assert not (build.root / linker / name).exists()
        res[linker] = p.stderr
    return res


@pytest.mark.parametrize("script,section", [("bad_target", ".nosuch"), ("self_target", ".a"),
                                            ("after_data", ".data")])
def test_insert_not_found(build, objs, script, section):
    """bfd: `X not found for insert`: an INSERT cannot name a section of an INSERT script, nor one
    of a main -T script read before it."""
    kind, flags = ("bare", ["-static", "-nostdlib"]) if script == "after_data" else ("pie", ["-pie"])
    names = ["main_static", script] if script == "after_data" else [script]
    err = _both_fail(build, objs, f"nf_{script}", [objs[kind]], *flags, *_scripts(build, names))
    for text in err.values():
        assert f"{section} not found for insert" in text, text
    assert re.search(rf"braze: error: \S*{script}\.ld:2:1: \{section} not found for insert", err["test"])


def test_insert_in_input_file_script(build, objs):
    """A script with INSERT given as an input file: bfd 2.40 warns, then finds no section to insert at."""
    script = build.root / "after_data.ld"
    err = _both_fail(build, objs, "implicit_insert", [objs["pie"], script], "-pie")
    for text in err.values():
        assert "after_data.ld contains output sections; did you forget -T?" in text, text
        assert ".data not found for insert" in text, text
