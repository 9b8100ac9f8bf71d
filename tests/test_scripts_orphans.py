"""Linker-made sections as orphans, output section types `(TYPE = t)` and `-z nocombreloc`, against
ld.bfd 2.40.

Orphans: a script for a dynamic link that leaves out .dynsym/.dynstr/.hash/.gnu.hash/.gnu.version*,
.dynamic, .got/.got.plt, .plt/.plt.got or .interp (bfd's own default scripts, read at test time with
those statements removed, and a short hand-written one naming none of them): bfd places them as its
dynobj's (the first input file's) sections, by the orphan rules of their kind. Compared as
tests/test_scripts_dynamic.py compares (`readelf -hlSW`, the dynamic section, dynamic symbols and
relocations as sets, data sections' bytes, behaviour); the dynamic relocation sections' own orphan
placement (bfd folds an orphan .rela.plt into .rela.dyn) stays refused.

(TYPE = t) / (READONLY (TYPE = t)): bfd gives the type to an output section made only by data
commands (BYTE/LONG/QUAD…); a section with input sections keeps their type; a section without data
commands is untouched, and an unknown SHT_ name is bfd's fatal "invalid type for output section".
Freestanding objects (tests/c/scripts_*.c) linked `-static -T` by both; compared as tests/test_scripts.py
does: `readelf -hlSW` minus the string tables, the symbol table, the bytes of allocated sections, the
program's output and exit status.

-z nocombreloc: bfd then keeps each dynamic relocation in the input section it made it in (.rela.got,
.rela.data.rel.ro.local, .rela.init_array…), placed by the script's descriptions, sorts nothing and
writes no DT_RELACOUNT. braze accepts it where that is one output section (a script gathering them
all, as gnu-efi's elf_x86_64_efi.lds does; links with no dynamic relocation outside .rela.plt) and
refuses the rest. Hosted programs and a library (tests/c/sdyn_*.c) linked through gcc by both with
-z nocombreloc; compared as tests/test_scripts_dynamic.py does: `readelf -hlSW`, the dynamic section
(tags and values), the dynamic relocations and symbols (as sets), the data sections' bytes, and the
programs' behaviour (the library through ctypes)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_shared import run, run_ctypes
from test_scripts import CFLAGS, _layout_view, _data_bytes, _link, _compare
from test_scripts_dynamic import (SMALL, SYSV, DATA, _dyn_view, EFI_LDS, EFI_CFLAGS, EFI_SECTIONS, _section_bytes,
                                  bfd_default_script, _drop, _chain)

C = Path(__file__).resolve().parent / "c"

# ------------------------------------------------------------------------------------- (TYPE = t)

_HEAD = "ENTRY(_start)\nSECTIONS\n{\n  . = 0x400000 + SIZEOF_HEADERS;\n  .text : { *(.text .text.*) }\n" \
        "  .rodata : { *(.rodata .rodata.*) }\n"
_TAIL = "  . = ALIGN(CONSTANT(MAXPAGESIZE));\n  .data : { *(.data .data.*) }\n  .bss : { *(.bss .bss.*) *(COMMON) }\n}\n"

TYPE_SCRIPTS = {
    # every name bfd 2.40 knows, each on a section of data commands only
    "named": """
  .t_note (TYPE = SHT_NOTE) : { LONG(4) LONG(0) LONG(1) }
  .t_prog (TYPE = SHT_PROGBITS) : { QUAD(0x1122334455667788) }
  .t_init (TYPE = SHT_INIT_ARRAY) : { QUAD(0) }
  .t_fini (TYPE = SHT_FINI_ARRAY) : { QUAD(0) }
  .t_pre (TYPE=SHT_PREINIT_ARRAY) : { QUAD(0) }
  .t_str (TYPE = SHT_STRTAB) : { BYTE(0) BYTE(0x41) BYTE(0) }
  .t_nobits (TYPE = SHT_NOBITS) : { LONG(9) }
  .t_after : { LONG(10) }
""",
    # numbers and constant expressions; READONLY with a type; a section whose first command is an
    # assignment (writable until READONLY drops it)
    "numbers": """
  .n7 (TYPE = 7) : { LONG(1) LONG(2) LONG(3) }
  .n16 (TYPE = 0x10) : { QUAD(0) }
  .n15 (TYPE = 3 * 5) : { QUAD(0) }
  .ro (READONLY (TYPE = SHT_PROGBITS)) : { ro_start = .; LONG(5) }
  .rw (TYPE = SHT_PROGBITS) : { rw_start = .; LONG(6) }
""",
    # no data command: the type does nothing (even an unknown name is not looked at); input
    # sections keep their own type beside data commands
    "inputs": """
  .space (TYPE = SHT_FOO) : { . += 16; }
  .mysec (TYPE = SHT_NOTE) : { *(mysec) LONG(0x55) }
  .tbl (TYPE = SHT_INIT_ARRAY) : { *(.sorted.*) }
""",
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("sorph"), braze_lddir)


@pytest.fixture(scope="module")
def sobjs(build) -> list:
    files = []
    for src in ("scripts_main.c", "scripts_other.c"):
        o = build.root / f"{src[:-2]}.o"
        build.run(["gcc", "-c", *CFLAGS, "-fcommon", "-DWITH_COMMON", C / src, "-o", o])
        files.append(o)
    return files


def _script(build, name, text) -> Path:
    p = build.root / f"{name}.ld"
    p.write_text(text)
    return p


@pytest.mark.parametrize("name", sorted(TYPE_SCRIPTS))
def test_section_type_vs_bfd(build, direct_ld, sobjs, name):
    script = _script(build, f"type_{name}", _HEAD + TYPE_SCRIPTS[name] + _TAIL)
    bfd, test = _compare(build, direct_ld, f"type_{name}", ["-static", "-T", script, *sobjs])
    types = re.findall(r"\] (\.\S+)\s+(\S+)", subprocess.run(["readelf", "-SW", str(test)], capture_output=True,
                                                              text=True, env=tool_env()).stdout)
    assert len({t for _, t in types}) >= 3, types       # (the types did change something)


@pytest.mark.parametrize("ty,bfd_ok", [("SHT_FOO", False), ("2", True), ("SIZEOF(.text)", False)])
def test_braze_message_section_type_refused(build, direct_ld, sobjs, ty, bfd_ok):
    """An SHT_ name bfd does not know: bfd's fatal error, with the script's place; a number whose
    section bfd writes with an entry size or link of its own (2: SHT_SYMTAB) or an expression bfd
    cannot fold: refused (bfd links the first and fails the second)."""
    script = _script(build, "type_bad", _HEAD + f"  .bad (TYPE = {ty}) : {{ LONG(1) }}\n" + _TAIL)
    pb, _ = _link(build, direct_ld, "bfd", "type_bad", ["-static", "-T", script, *sobjs])
    pt, out = _link(build, direct_ld, "test", "type_bad", ["-static", "-T", script, *sobjs])
    assert (pb.returncode == 0) == bfd_ok, pb.stderr
    assert pt.returncode == 1 and not out.exists() and "Traceback" not in pt.stderr
    if ty == "SHT_FOO":
        assert "invalid type for output section `.bad'" in pb.stderr
        assert re.search(r"braze: error: \S*type_bad\.ld:7:\d+: invalid type for output section `\.bad'",
                         pt.stderr), pt.stderr
    else:
        assert re.search(r"braze: error: \S*type_bad\.ld:7:\d+: linker script construct \(TYPE = .*\) is not "
                         r"supported by braze", pt.stderr), pt.stderr


# ----------------------------------------------------------------- linker-made sections as orphans

def _no(*names):
    """Drop the statements of these output sections from a bfd default script."""
    return _chain(*[_drop(r"\n *" + re.escape(n) + r" +:[^\n]*") for n in names])


DYNSYMS = _no(".hash", ".gnu.hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".gnu.version_r")
# a script naming none of the linker-made sections but the relocation tables; .tbss, the notes,
# .init/.fini, the arrays and .mydata are orphans too
MINIMAL = """SECTIONS
{
  . = 0x10000 + SIZEOF_HEADERS;
  .rela.dyn : { *(.rela.data* .rela.got .rela.bss .rela.init_array .rela.fini_array .rela.ifunc) }
  .rela.plt : { *(.rela.plt) }
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .eh_frame : { KEEP (*(.eh_frame)) }
  . = ALIGN(0x1000);
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) }
}
"""

# name: (kind, bfd --verbose flags, edit or script text, extra gcc flags)
ORPHAN_CASES = {
    "pie_dynsyms": ("pie", ["-pie"], DYNSYMS, []),
    "pie_dynamic": ("pie", ["-pie"], _no(".dynamic"), []),
    "pie_got": ("pie", ["-pie"], _no(".got", ".got.plt"), []),
    "pie_got_now": ("pie", ["-pie"], _no(".got", ".got.plt"), ["-Wl,-z,now"]),
    "pie_plt": ("pie", ["-pie"], _no(".plt", ".plt.got", ".plt.sec"), []),
    "pie_interp_dynsyms": ("pie", ["-pie"], _chain(_no(".interp"), DYNSYMS), []),
    "pie_minimal": ("pie", None, MINIMAL, []),
    "pie_minimal_now": ("pie", None, MINIMAL, ["-Wl,-z,now"]),
    "exe_lib_minimal": ("exe_lib", None, MINIMAL, []),
    "exe_lib_dynsyms_got": ("exe_lib", [], _chain(DYNSYMS, _no(".got", ".got.plt", ".dynamic")), []),
    "so_all": ("so", ["-shared"], _chain(DYNSYMS, _no(".dynamic", ".got", ".got.plt", ".plt", ".plt.got",
                                                       ".plt.sec")), ["VERSIONS", "-Wl,--hash-style=both"]),
    "so_minimal": ("so", None, MINIMAL, []),
}


def _check_dynamic(build, dobjs, name, kind, text, flags):
    script = _script(build, name, text)
    mode = {"pie": ["-pie"], "exe_lib": ["-no-pie"], "so": ["-shared"]}[kind]
    inputs = [dobjs["lib" if kind == "so" else kind]]
    if kind == "exe_lib":
        inputs += [f"-L{build.root / 'libdir'}", "-lsdyn"]
    outs = {}
    for linker in ("bfd", "test"):
        out = name + (".so" if kind == "so" else "")
        outs[linker] = build.link(linker, out, inputs, *mode, *flags, f"-Wl,-T,{script}")
    bfd, test = outs["bfd"], outs["test"]
    assert _layout_view(test) == _layout_view(bfd)
    assert _dyn_view(test) == _dyn_view(bfd)
    assert {k: v for k, v in _data_bytes(test).items() if k in DATA} == \
        {k: v for k, v in _data_bytes(bfd).items() if k in DATA}
    if kind == "so":
        calls = ["lib_value", "lib_describe"]
        assert run_ctypes(test, calls) == run_ctypes(bfd, calls)
    else:
        env = {"LD_LIBRARY_PATH": str(build.root / "libdir")}
        r_test, r_bfd = run([str(test)], env=env), run([str(bfd)], env=env)
        assert r_test == r_bfd and r_bfd[0] == 0, (r_test, r_bfd)
    return bfd, test


@pytest.mark.parametrize("name", sorted(ORPHAN_CASES))
def test_linker_made_orphans_vs_bfd(build, dobjs, name):
    kind, base, edit, extra = ORPHAN_CASES[name]
    text = edit if isinstance(edit, str) else edit(bfd_default_script(*base))
    flags = [SYSV if not any(f.startswith("-Wl,--hash-style") for f in extra) else None, *extra]
    if "VERSIONS" in flags:
        vmap = build.root / "lib.map"
        vmap.write_text("V1 { global: lib_value; lib_describe; lib_counter; local: *; };\n")
        flags[flags.index("VERSIONS")] = f"-Wl,--version-script={vmap}"
    bfd, test = _check_dynamic(build, dobjs, f"orph_{name}", kind, text, [f for f in flags if f])
    # (the sections the edit left out are really orphans in both outputs)
    names = re.findall(r"\] (\.\S+)", subprocess.run(["readelf", "-SW", str(test)], capture_output=True, text=True,
                                                     env=tool_env()).stdout)
    assert ".dynsym" in names and ".dynamic" in names


def test_braze_message_relocation_orphan_refused(build, dobjs):
    """.rela.plt left as an orphan: bfd renames every orphan relocation section .rela.dyn and folds
    .rela.plt into it; braze does not reproduce that and refuses, naming the section."""
    script = _script(build, "orph_rela", MINIMAL.replace("  .rela.plt : { *(.rela.plt) }\n", ""))
    assert isinstance(build.link("bfd", "orph_rela", [dobjs["pie"]], "-pie", f"-Wl,-T,{script}"), Path)
    p = build.link("test", "orph_rela", [dobjs["pie"]], "-pie", f"-Wl,-T,{script}", check=False)
    assert not isinstance(p, Path) and p.returncode == 1 and "Traceback" not in p.stderr
    assert not (build.root / "test" / "orph_rela").exists()
    assert re.search(r"braze: error: .*orph_rela\.ld: the linker-made section \.rela\.plt has no place in "
                     r"the SECTIONS script", p.stderr), p.stderr


# --------------------------------------------------------------------------------- -z nocombreloc

# the short script of test_scripts_dynamic, its .rela.dyn gathering every input relocation section
GATHER = SMALL.replace("  .rela.dyn : { *(.rela.data .rela.got .rela.bss) }",
                       "  .rela.dyn : { *(.rela.data* .rela.got .rela.bss .rela.init_array .rela.fini_array)\n"
                       "               *(.rela.tdata .rela.text .rela.rodata* .rela.ifunc) }")
# gnu-efi's way: another name, one description per kind
GATHER_RELA = GATHER.replace("  .rela.dyn : {", "  .rela : {")
assert GATHER != SMALL and GATHER_RELA != GATHER

NOCOMB = "-Wl,-z,nocombreloc"
CASES = {
    "pie": ("pie", GATHER, []),
    "pie_now": ("pie", GATHER, ["-Wl,-z,now"]),
    "pie_norelro": ("pie", GATHER, ["-Wl,-z,norelro"]),
    "pie_rela": ("pie", GATHER_RELA, []),
    "exe_lib": ("exe_lib", GATHER, []),
    "so": ("so", GATHER, []),
    "so_rela_now": ("so", GATHER_RELA, ["-Wl,-z,now"]),
}


@pytest.fixture(scope="module")
def dobjs(build) -> dict:
    out = {}
    for name, src, flags in (("pie", "sdyn_main.c", ["-fPIE"]), ("exe_lib", "sdyn_main.c", ["-fno-pie", "-DWITH_LIB"]),
                             ("lib", "sdyn_lib.c", ["-fPIC"])):
        o = build.root / f"d_{name}.o"
        build.run(["gcc", "-c", "-O1", *flags, C / src, "-o", o])
        out[name] = o
    (build.root / "libdir").mkdir(exist_ok=True)
    build.run(["gcc", "-fuse-ld=bfd", "-shared", out["lib"], "-o", build.root / "libdir" / "libsdyn.so"])
    return out


def _tags(path: Path) -> list:
    p = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True, env=tool_env())
    return re.findall(r"\((\w+)\)", p.stdout)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nocombreloc_script_vs_bfd(build, dobjs, name):
    kind, text, extra = CASES[name]
    script = _script(build, f"nocomb_{name}", text)
    mode = {"pie": ["-pie"], "exe_lib": ["-no-pie"], "so": ["-shared"]}[kind]
    inputs = [dobjs["lib" if kind == "so" else kind]]
    if kind == "exe_lib":
        inputs += [f"-L{build.root / 'libdir'}", "-lsdyn"]
    outs = {}
    for linker in ("bfd", "test"):
        out = f"nocomb_{name}" + (".so" if kind == "so" else "")
        outs[linker] = build.link(linker, out, inputs, *mode, SYSV, NOCOMB, *extra, f"-Wl,-T,{script}")
    bfd, test = outs["bfd"], outs["test"]
    assert "RELACOUNT" not in _tags(bfd)        # (what the option changes: nothing sorted)
    assert _layout_view(test) == _layout_view(bfd)
    assert _dyn_view(test) == _dyn_view(bfd)
    assert {k: v for k, v in _data_bytes(test).items() if k in DATA} == \
        {k: v for k, v in _data_bytes(bfd).items() if k in DATA}
    if kind == "so":
        calls = ["lib_value", "lib_describe"]
        assert run_ctypes(test, calls) == run_ctypes(bfd, calls)
    else:
        env = {"LD_LIBRARY_PATH": str(build.root / "libdir")}
        r_test, r_bfd = run([str(test)], env=env), run([str(bfd)], env=env)
        assert r_test == r_bfd and r_bfd[0] == 0, (r_test, r_bfd)


def test_nocombreloc_gnu_efi(build, direct_ld):
    """gnu-efi's own link, with the -znocombreloc its Make.defaults passes, by both linkers: section and
    program headers (.eh_frame's size apart: bfd's has no terminator without crtend), the dynamic
    section and relocations, and after `objcopy --target efi-app-x86_64` .data/.dynamic/.reloc byte
    for byte and .text's length."""
    obj = build.root / "efi.o"
    build.run(["gcc", "-c", *EFI_CFLAGS, C / "sdyn_efi.c", "-o", obj])
    common = ["-shared", "-Bsymbolic", "-nostdlib", "-znocombreloc", "-T", str(EFI_LDS),
              "/usr/lib/crt0-efi-x86_64.o", str(obj), "-L/usr/lib", "-lefi", "-lgnuefi"]
    outs = {}
    for label, cmd in (("bfd", ["ld.bfd"]), ("test", list(direct_ld))):
        out = build.root / f"efi-nocomb-{label}.so"
        p = subprocess.run([*cmd, *common, "-o", str(out)], capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        outs[label] = out

    def headers(path):
        p = subprocess.run(["readelf", "-lSdW", str(path)], capture_output=True, text=True, env=tool_env())
        return [line for line in p.stdout.splitlines() if not re.search(
            r"strtab|section headers, starting|\.eh_frame |^\s+LOAD .* R +0x", line)]
    assert headers(outs["test"]) == headers(outs["bfd"])
    views = {k: _dyn_view(v) for k, v in outs.items()}
    for v in views.values():
        v["dynsym"] = [x for x in v["dynsym"] if not x.endswith(" _text_size")]   # (ABS vs .text-relative)
    assert views["test"] == views["bfd"]
    efis = {}
    for label in ("bfd", "test"):
        efi = build.root / f"efi-nocomb-{label}.efi"
        subprocess.run(["objcopy", *[a for s in EFI_SECTIONS for a in ("-j", s)], "--target", "efi-app-x86_64",
                        str(outs[label]), str(efi)], check=True, env=tool_env())
        efis[label] = efi
    for name in (".data", ".dynamic", ".reloc"):
        assert _section_bytes(efis["test"], name, build.root) == _section_bytes(efis["bfd"], name, build.root), name
    assert len(_section_bytes(efis["test"], ".text", build.root)) == \
        len(_section_bytes(efis["bfd"], ".text", build.root))


def test_nocombreloc_static(build):
    """-static: no dynamic relocation outside .rela.iplt, so -z nocombreloc changes nothing in bfd's
    output (checked) nor in braze's; both programs behave alike."""
    o = build.root / "st.o"
    build.run(["gcc", "-c", "-O1", "-fno-pie", C / "sdyn_main.c", "-o", o])
    outs = {}
    for linker in ("bfd", "test"):
        for flags in ([], [NOCOMB]):
            outs[linker, bool(flags)] = build.link(linker, f"st{len(flags)}", [o], "-static", *flags).read_bytes()
    assert outs["bfd", True] == outs["bfd", False]
    assert outs["test", True] == outs["test", False]
    assert run([str(build.root / "test" / "st1")]) == run([str(build.root / "bfd" / "st1")])


@pytest.mark.parametrize("how", ["pie", "shared", "spread_script"])
def test_braze_message_nocombreloc_refused(build, dobjs, how):
    """Where bfd would write several .rela<section> output sections (its default layout, or a script
    that does not gather them), braze refuses -z nocombreloc: exit 1, no output, no traceback; bfd
    links."""
    if how == "spread_script":
        flags = ["-pie", f"-Wl,-T,{_script(build, 'nocomb_spread', SMALL)}", SYSV]
    else:
        flags = [f"-{how}"]
    obj = dobjs["lib" if how == "shared" else "pie"]
    assert isinstance(build.link("bfd", f"refused_{how}", [obj], *flags, NOCOMB), Path)
    p = build.link("test", f"refused_{how}", [obj], *flags, NOCOMB, check=False)
    assert not isinstance(p, Path) and p.returncode == 1
    assert not (build.root / "test" / f"refused_{how}").exists() and "Traceback" not in p.stderr
    assert "braze: error:" in p.stderr and "nocombreloc" in p.stderr and "not supported" in p.stderr, p.stderr
    if how == "spread_script":
        assert ".rela.init_array -> (orphan)" in p.stderr and ".rela.got -> .rela.dyn" in p.stderr, p.stderr
