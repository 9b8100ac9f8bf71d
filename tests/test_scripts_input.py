"""SECTIONS scripts given as input files, several SECTIONS scripts, statements after INSERT, against
ld.bfd 2.40.

bfd keeps one statement list (src/braze/scriptmerge.py): a script with output sections given as an
input file (`gcc main.o extra.ld`) has its statements added after the main script's last one, with the
warning "extra.ld contains output sections; did you forget -T?"; a section there without an address
starts where bfd's sizing walk left the default memory region (after the default script: past the
removed .lrodata/.ldata addresses), a top-level `x = .` there sees `.` past the non-allocated sections.
Two -T scripts, two SECTIONS in one file or an INCLUDEd SECTIONS file continue the list; -dT is ignored
when a -T script is given. Statements after an INSERT go with the next INSERT's statements, or stay
ahead of the main script after the last one.

Each case links tests/c/sinput_main.c (custom sections, script-defined boundary symbols referenced
weakly, TLS, a constructor) or the freestanding tests/c/sinput_bare.c with ld.bfd and with braze, from
the same objects and scripts, in -pie, -no-pie, -shared and -static links. Compared: `readelf -hlSW`
minus the string-table rows and the symbol table (test_scripts._layout_view), the dynamic section,
dynamic symbols and relocations (test_scripts_dynamic._dyn_view), the bytes of the data sections, the
programs' output and exit status (a library through ctypes), and bfd's warning. Static cases are
freestanding (hosted -static glibc differs in braze's IRELATIVE .plt, outside this area). The errors:
bfd's (a section at 0 ahead of the headers: "PHDR segment not covered by LOAD segment"), and what braze
refuses by name."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import test_shared as shared
from test_shared import run
from test_scripts import _layout_view
from test_scripts_dynamic import SYSV, bfd_default_script
from test_scripts_insert import compare_with_bfd

C = Path(__file__).resolve().parent / "c"

MY = "  .mysec : { __my_start = .; *(.mysec) __my_end = .; }\n"
MY2 = "  .mysec2 : { __my2_start = .; *(.mysec2) __my2_end = .; }\n"
SCRIPTS = {
    # given as input files
    "tail": "SECTIONS\n{\n" + MY + "  .mytext : { *(.mytext) }\n  tail_end = .;\n}\n",
    "tail_two": "SECTIONS {\n" + MY + "}\nbetween = .;\nSECTIONS {\n  .mysec2 ALIGN(0x100) : "
                "{ __my2_start = .; *(.mysec2) __my2_end = .; }\n  .mytext : { *(.mytext) } }\n",
    "tail_addr": "SECTIONS\n{\n  . = 0x10000000;\n  at_high = .;\n" + MY + MY2 + "  .mytext : { *(.mytext) }\n}\n",
    "tail_kept": "SECTIONS\n{\n  .mykept : { KEEP (*(.mykept)) }\n" + MY + "}\n",
    "tail_ro": "SECTIONS\n{\n  .myro : { *(.myro) }\n  ro_end = .;\n}\n",
    # a statement of a name the default script has: its inputs are taken already, it is removed
    "tail_dup_text": "SECTIONS { .text : { *(.text) } }\n",
    "tail_dot_first": "SECTIONS\n{\n  s_start = .;\n" + MY + "}\n",
    # -T scripts
    "main_static": "SECTIONS { . = 0x500000 + SIZEOF_HEADERS; .text : { *(.text .text.*) }\n"
                   "  . = ALIGN(0x1000); .data : { *(.data .data.*) } .bss : { *(.bss .bss.*) } main_end = .; }\n",
    "second": "second_top = .;\nSECTIONS\n{\n" + MY + "  .mytext : { *(.mytext) }\n  second_end = .;\n}\n",
    "two_blocks": "SECTIONS { . = 0x500000 + SIZEOF_HEADERS; .text : { *(.text .text.*) } }\nmid = .;\n"
                  "SECTIONS { . = ALIGN(0x1000); .data : { *(.data .data.*) } " + MY.strip() + " }\n"
                  "SECTIONS { .bss : { *(.bss .bss.*) } end_all = .; }\n",
    "includer": "SECTIONS { . = 0x500000 + SIZEOF_HEADERS; .text : { *(.text .text.*) }\n"
                "  . = ALIGN(0x1000); .data : { *(.data .data.*) } }\nINCLUDE second.ld\n",
    # statements after INSERT
    "ins_trailing": "early = .;\nSECTIONS {\n" + MY + "  mid = .;\n} INSERT AFTER .data;\nlate = 0x1234;\n"
                    "SECTIONS {\n" + MY2 + "} INSERT BEFORE .bss;\nlate2 = .;\n",
    "ins_carry": "SECTIONS {\n" + MY + "} INSERT AFTER .data;\ncarried = .;\n",
    "ins_next": "SECTIONS {\n" + MY2 + "} INSERT AFTER .text;\n",
    # an earlier INSERT's section is there to be named (bfd 2.40)
    "ins_after_mysec": "SECTIONS {\n" + MY2 + "} INSERT AFTER .mysec;\n",
    # refused / errors
    "tail_no_os": "SECTIONS { only_assign = .; }\n",
    # MEMORY: the default script's sections fit no region (bfd's error; a warning with
    # --no-check-sections, and they stay where the default region is)
    "tail_memory": "MEMORY { ram : ORIGIN = 0x10000000, LENGTH = 1M }\nSECTIONS {\n" + MY.rstrip() + " > ram\n}\n",
    "ins_twice": "SECTIONS {\n" + MY + "} INSERT AFTER .data;\nINSERT AFTER .text;\n",
    "ins_then_section": "SECTIONS {\n" + MY + "} INSERT AFTER .data;\nSECTIONS {\n" + MY2 + "}\n",
}

# name: (object kind, link flags, -T scripts, scripts given as input files)
CASES = {
    "pie_tail": ("pie", ["-pie"], [], ["tail"]),
    "pie_tail_norelro": ("pie", ["-pie", "-Wl,-z,norelro"], [], ["tail"]),
    "pie_tail_now": ("pie", ["-pie", "-Wl,-z,now"], [], ["tail"]),          # (bfd's relro+now script)
    "exe_tail_noseparate": ("exe", ["-no-pie", "-Wl,-z,noseparate-code"], [], ["tail"]),
    "pie_tail_two_ro": ("pie", ["-pie"], [], ["tail_two", "tail_ro"]),
    "pie_gc_kept": ("pie", ["-pie", "-Wl,--gc-sections"], [], ["tail_kept"]),
    "exe_tail": ("exe", ["-no-pie"], [], ["tail"]),
    "exe_tail_addr": ("exe", ["-no-pie"], [], ["tail_addr"]),
    "exe_tail_two": ("exe", ["-no-pie", "-Wl,-z,norelro"], [], ["tail_two"]),
    "so_tail": ("so", ["-shared"], [], ["tail"]),
    "so_tail_two": ("so", ["-shared"], [], ["tail_two"]),
    "so_dup_text": ("so", ["-shared"], [], ["tail_dup_text"]),
    "static_tail": ("bare", ["-static", "-nostdlib", "-Wl,-z,norelro"], [], ["tail"]),
    "static_tail_addr": ("bare", ["-static", "-nostdlib", "-Wl,-z,norelro"], [], ["tail_addr"]),
    "static_main_tail": ("bare", ["-static", "-nostdlib"], ["main_static"], ["tail_two"]),
    "pie_tail_memory_nocheck": ("pie", ["-pie", "-Wl,--no-check-sections"], [], ["tail_memory"]),
    # bfd's own default scripts (ld.bfd --verbose) given with -T, then an input-file or a second -T script
    "pie_bfd_script_tail": ("pie", ["-pie"], ["bfd_pie"], ["tail"]),
    "exe_bfd_script_second": ("exe", ["-no-pie"], ["bfd_exe", "tail"], []),
    # several SECTIONS scripts without INSERT
    "static_two_T": ("bare", ["-static", "-nostdlib"], ["main_static", "second"], []),
    "static_two_blocks": ("bare", ["-static", "-nostdlib"], ["two_blocks"], []),
    "static_include": ("bare", ["-static", "-nostdlib"], ["includer"], []),
    "static_two_T_and_tail": ("bare", ["-static", "-nostdlib"], ["main_static", "second"], ["tail_ro"]),
    # statements after INSERT
    "pie_ins_trailing": ("pie", ["-pie"], ["ins_trailing"], []),
    "exe_ins_trailing": ("exe", ["-no-pie"], ["ins_trailing"], []),
    "so_ins_trailing": ("so", ["-shared"], ["ins_trailing"], []),
    "pie_ins_carry": ("pie", ["-pie"], ["ins_carry", "ins_next"], []),
    "static_ins_trailing_main": ("bare", ["-static", "-nostdlib"], ["ins_trailing", "main_static"], []),
    "pie_ins_chain": ("pie", ["-pie"], ["ins_carry", "ins_after_mysec"], []),
    "static_ins_chain_main": ("bare", ["-static", "-nostdlib"], ["ins_carry", "ins_after_mysec", "main_static"], []),
    "pie_ins_and_tail": ("pie", ["-pie"], ["ins_next"], ["tail"]),
}

DATA = (".rodata", ".data", ".data.rel.ro", ".init_array", ".fini_array", ".tdata", ".mysec", ".mysec2",
        ".myro", ".mykept", ".interp")
WARN = "contains output sections; did you forget -T?"


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("sinput"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> dict:
    out = {}
    for name, src, flags in (("pie", "sinput_main.c", ["-fPIE"]), ("exe", "sinput_main.c", ["-fno-pie"]),
                             ("so", "sinput_main.c", ["-fPIC"]),
                             ("bare", "sinput_bare.c", ["-fno-pie", "-ffreestanding", "-fno-stack-protector",
                                                        "-fno-asynchronous-unwind-tables"])):
        o = build.root / f"{name}.o"
        build.run(["gcc", "-c", "-O1", "-ffunction-sections", "-fdata-sections", *flags, C / src, "-o", o])
        out[name] = o
    for name, text in SCRIPTS.items():
        (build.root / f"{name}.ld").write_text(text)
    (build.root / "bfd_pie.ld").write_text(bfd_default_script("-pie"))
    (build.root / "bfd_exe.ld").write_text(bfd_default_script())
    return out


def _link(build, linker, out, inputs, *flags):
    """(output path or None, stderr): run in build.root, so scripts' INCLUDEs find their files."""
    d = build.root / linker
    d.mkdir(exist_ok=True)
    p = build.run(["gcc", *build.ld(linker), *map(str, inputs), *flags, "-o", d / out],
                  cwd=build.root, check=False)
    return (d / out if p.returncode == 0 else None), p.stderr


def _case_args(build, objs, name):
    kind, flags, tscripts, implicit = CASES[name]
    extra = [] if kind == "bare" else [SYSV]
    return kind, [objs[kind], *(build.root / f"{n}.ld" for n in implicit)], \
        [*flags, *extra, *(f"-Wl,-T,{n}.ld" for n in tscripts)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_scripts_input_vs_bfd(build, objs, name):
    kind, inputs, flags = _case_args(build, objs, name)
    out = f"{name}.so" if kind == "so" else name
    outs, errs = {}, {}
    for linker in ("bfd", "test"):
        outs[linker], errs[linker] = _link(build, linker, out, inputs, *flags)
        assert outs[linker] is not None, f"{linker} failed:\n{errs[linker]}"
    bfd, test = outs["bfd"], outs["test"]
    for n in CASES[name][3]:        # bfd's warning for each script given as an input file, in both
        assert f"{n}.ld {WARN}" in errs["bfd"] and f"{n}.ld {WARN}" in errs["test"], errs
    assert WARN not in errs["test"] or CASES[name][3]
    r_bfd = compare_with_bfd(test, bfd, kind, DATA)
    if r_bfd is not None:
        assert (r_bfd[0] == 0 if kind != "bare" else r_bfd[0] > 0), r_bfd


def test_scripts_input_deterministic(build, objs):
    kind, inputs, flags = _case_args(build, objs, "pie_tail_two_ro")
    outs = []
    for i in range(2):
        p, err = _link(build, "test", f"det{i}", inputs, *flags)
        outs.append(p.read_bytes())
    assert outs[0] == outs[1]


def test_dT_ignored_beside_T(build, objs):
    """bfd reads -dT only in place of its default script: beside a -T script it does not even open it
    (here a file that does not exist, and a real one whose sections would change the layout)."""
    for name, extra in (("dt_missing", "nosuch.ld"), ("dt_second", "second.ld")):
        outs = {}
        for linker in ("bfd", "test"):
            outs[linker], err = _link(build, linker, name, [objs["bare"]], "-static", "-nostdlib",
                                      "-Wl,-T,main_static.ld", f"-Wl,-dT,{extra}")
            assert outs[linker] is not None, err
        assert _layout_view(outs["test"]) == _layout_view(outs["bfd"])
        assert run([str(outs["test"])]) == run([str(outs["bfd"])])


def test_insert_right_after_insert(build, objs):
    """Two INSERTs with nothing between: bfd splices its statement list onto itself ("final link
    failed: bad value" here); braze refuses it by name."""
    p, err = _link(build, "bfd", "ins_twice", [objs["pie"]], "-pie", "-Wl,-T,ins_twice.ld")
    assert p is None, err
    p, err = _link(build, "test", "ins_twice", [objs["pie"]], "-pie", "-Wl,-T,ins_twice.ld")
    assert p is None and "Traceback" not in err and not (build.root / "test" / "ins_twice").exists()
    assert re.search(r"braze: error: \S*ins_twice\.ld:4:1: an INSERT with no statement since the previous "
                     r"INSERT is not supported by braze", err), err


def test_no_memory_region(build, objs):
    """MEMORY in a script given as an input file: the default script's sections fit no region, bfd's
    error in both (with --no-check-sections, compared in test_scripts_input_vs_bfd)."""
    for linker in ("bfd", "test"):
        p, err = _link(build, linker, "memory", [objs["pie"], build.root / "tail_memory.ld"], "-pie")
        assert p is None and "no memory region specified for loadable section `.interp'" in err, err
        assert "Traceback" not in err and not (build.root / linker / "memory").exists()


def test_section_after_last_insert(build, objs):
    """An output section after the last INSERT stays ahead of the main script's statements: bfd puts
    it at 0, ahead of the headers, and fails; braze refuses it by name."""
    p, err = _link(build, "bfd", "ins_then_section", [objs["pie"]], "-pie", "-Wl,-T,ins_then_section.ld")
    assert p is None and "PHDR segment not covered by LOAD segment" in err, err
    p, err = _link(build, "test", "ins_then_section", [objs["pie"]], "-pie", "-Wl,-T,ins_then_section.ld")
    assert p is None and "Traceback" not in err and not (build.root / "test" / "ins_then_section").exists()
    assert re.search(r"braze: error: \S*ins_then_section\.ld:5:3: an output section after the last INSERT "
                     r"is not supported by braze", err), err


@pytest.mark.parametrize("name,inputs,flags", [
    ("dot_first", ["tail_dot_first.ld"], ["-pie"]),
    ("second_after_bfd_script", [], ["-no-pie", "-Wl,-T,bfd_exe.ld", "-Wl,-T,second.ld"])])
def test_section_ahead_of_headers(build, objs, name, inputs, flags):
    """A script after the main one whose first statement is `x = .`: bfd's sizing walk has `.` at 0
    there (after the default script's debug sections), so its section lands at 0, ahead of the
    headers: bfd's error, no output, in both."""
    kind = "pie" if "-pie" in flags else "exe"
    for linker in ("bfd", "test"):
        p, err = _link(build, linker, name, [objs[kind], *(build.root / i for i in inputs)], *flags)
        assert p is None and "PHDR segment not covered by LOAD segment" in err, err
        assert "Traceback" not in err and not (build.root / linker / name).exists()
        for i in inputs:
            assert f"{i} {WARN}" in err


@pytest.mark.parametrize("name,inputs,flags,msg", [
    ("no_os", ["tail_no_os.ld"], ["-pie"],
     r"tail_no_os\.ld: SECTIONS without output sections in a script given as an input file is not supported"),
    ("dt_with_insert", [], ["-pie", "-Wl,-T,ins_next.ld", "-Wl,-dT,main_static.ld"],
     r"main_static\.ld: -dT together with -T scripts ending in INSERT is not supported by braze"),
])
def test_braze_refuses(build, objs, name, inputs, flags, msg):
    """What braze refuses by name (bfd links these: the first keeps the statements where the file is
    among the inputs, the second puts the section ahead of the main script, the third reads -dT as
    the main script)."""
    p, err = _link(build, "bfd", name, [objs["pie"], *(build.root / i for i in inputs)], *flags)
    assert p is not None, err
    p, err = _link(build, "test", name, [objs["pie"], *(build.root / i for i in inputs)], *flags)
    assert p is None and "Traceback" not in err and not (build.root / "test" / name).exists()
    assert re.search(r"braze: error: \S*" + msg, err), err


def _verbose_script(text: str) -> str:
    """The `opened script file` lines and the script --verbose prints (between its two rules)."""
    m = re.search(r"using (?:in|ex)ternal linker script:\n=+\n(.*?)\n=+\n", text, re.S)
    head = text[:m.start()] if m else text
    opened = [line for line in head.splitlines() if line.startswith("opened script file")]
    return "\n".join(opened) + "\n" + (m.group(0) if m else "")


@pytest.mark.parametrize("tscripts", [["main_static", "second"], ["ins_next", "second"], ["ins_next"]])
def test_verbose_several_scripts(build, objs, tscripts):
    """--verbose: bfd names each -T script as it opens it, then prints the last one read without INSERT
    (an INSERT script hands back the one before it), else its internal script."""
    outs = {}
    for linker in ("bfd", "test"):
        d = build.root / linker
        d.mkdir(exist_ok=True)
        p = build.run(["gcc", *build.ld(linker), str(objs["pie" if "ins_next" in tscripts else "bare"]),
                       *(["-pie"] if "ins_next" in tscripts else ["-static", "-nostdlib"]),
                       "-Wl,--verbose", *(f"-Wl,-T,{n}.ld" for n in tscripts), "-o", d / "verbose"],
                      cwd=build.root, check=False)
        outs[linker] = _verbose_script(p.stdout)
    assert "opened script file" in outs["bfd"] and "linker script:" in outs["bfd"], outs["bfd"]
    if tscripts == ["ins_next"]:
        # (the internal script's text: braze's written-out layout, compared elsewhere; here the head)
        outs = {k: v.split("==")[0] for k, v in outs.items()}
    assert outs["test"] == outs["bfd"]
