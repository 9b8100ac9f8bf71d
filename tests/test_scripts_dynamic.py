"""SECTIONS scripts in dynamic links (-pie, dynamic non-PIE executables, -shared), against ld.bfd.

The scripts are ld.bfd's own default scripts (`ld.bfd --verbose`, `--verbose -pie`, `--verbose -shared`,
read at test time) edited as people edit them: a custom section with boundary symbols, statements
removed so the linker-made sections (.interp, .eh_frame_hdr) become orphans, another
DATA_SEGMENT_ALIGN page size, no DATA_SEGMENT_RELRO_END, another text-segment base, padding before
.data; plus a short hand-written script. Each is linked through gcc by ld.bfd and by braze from the
same objects (tests/c/sdyn_*.c: PLT and GOT imports, TLS, constructors, RELRO pointers, a custom
section), with -z relro/norelro/now/noseparate-code variants. Compared: `readelf -hlSW` minus the
string-table rows and the symbol table (order-independent: see test_scripts._layout_view), the dynamic
section, the dynamic symbols and relocations (as sets: bfd orders .dynsym by its hash table), the bytes
of the data sections, and the programs' output and exit status (a library: through ctypes and through
a program linked against it).

The scripts are linked with --hash-style=sysv (the .gnu.hash bloom filter sizing is not part of this
area, and differs from bfd's without a script too); one case keeps .gnu.hash (-shared)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_shared import run, run_ctypes
from test_scripts import _layout_view, _data_bytes

C = Path(__file__).resolve().parent / "c"
SYSV = "-Wl,--hash-style=sysv"


def bfd_default_script(*flags: str) -> str:
    """ld.bfd's built-in script for these options, verbatim."""
    p = subprocess.run(["ld.bfd", "--verbose", *flags], capture_output=True, text=True, env=tool_env(),
                       check=True)
    text = p.stdout.split("=" * 50)[1]
    return text[text.index("\n") + 1:text.rindex("\n")]


def _sub(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)
    return edit


def _drop(stmt_re: str):
    def edit(text: str) -> str:
        out, n = re.subn(stmt_re, "", text, flags=re.S)
        assert n, stmt_re
        return out
    return edit


def _chain(*edits):
    def edit(text: str) -> str:
        for e in edits:
            text = e(text)
        return text
    return edit


CUSTOM = _sub("  .data           :\n", "  .mydata : { __start_mydata = .; KEEP (*(.mydata)) __stop_mydata = .; }\n"
              "  .data           :\n")
PAD_DATA = _sub("  .data           :\n", "  . = ALIGN(0x100);\n  PROVIDE (data_marker = .);\n"
                "  .data           :\n")
ORPHANS = _chain(_drop(r"\n  \.interp +: \{ \*\(\.interp\) \}"),
                 _drop(r"\n  \.eh_frame_hdr +: \{ \*\(\.eh_frame_hdr\) \*\(\.eh_frame_entry \.eh_frame_entry\.\*\) \}"))
DSEG_PAGES = _sub("DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE))",
                  "DATA_SEGMENT_ALIGN (0x10000, 0x1000)")
NO_RELRO_END = _drop(r"\n  \. = DATA_SEGMENT_RELRO_END \([^;]*;")
TEXT_BASE = _sub('SEGMENT_START("text-segment", 0)', 'SEGMENT_START("text-segment", 0x200000)')
EXE_BASE = _sub('SEGMENT_START("text-segment", 0x400000)', 'SEGMENT_START("text-segment", 0x600000)')

# a short script of one's own: the linker-made sections by name, the rest (.init, .fini, .fini_array,
# .mydata, notes) orphans
SMALL = """SECTIONS
{
  . = SEGMENT_START("text-segment", 0) + SIZEOF_HEADERS;
  .interp : { *(.interp) }
  .hash : { *(.hash) }
  .dynsym : { *(.dynsym) }
  .dynstr : { *(.dynstr) }
  .gnu.version : { *(.gnu.version) }
  .gnu.version_r : { *(.gnu.version_r) }
  .rela.dyn : { *(.rela.data .rela.got .rela.bss) }
  .rela.plt : { *(.rela.plt) }
  . = ALIGN(CONSTANT (MAXPAGESIZE));
  .text : { *(.text .text.*) }
  .plt : { *(.plt) }
  .plt.got : { *(.plt.got) }
  . = ALIGN(CONSTANT (MAXPAGESIZE));
  .rodata : { *(.rodata .rodata.*) }
  .eh_frame_hdr : { *(.eh_frame_hdr) }
  .eh_frame : { KEEP (*(.eh_frame)) }
  . = DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE));
  .tdata : { *(.tdata .tdata.*) }
  .tbss : { *(.tbss .tbss.*) }
  .init_array : { KEEP (*(.init_array .init_array.*)) }
  .data.rel.ro : { *(.data.rel.ro .data.rel.ro.*) }
  .dynamic : { *(.dynamic) }
  .got : { *(.got) }
  . = DATA_SEGMENT_RELRO_END (SIZEOF (.got.plt) >= 24 ? 24 : 0, .);
  .got.plt : { *(.got.plt) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  _end = .;
  . = DATA_SEGMENT_END (.);
}
"""

# name: (kind, bfd --verbose flags for the base script, edit or a script text, extra gcc flags)
CASES = {
    "pie_default": ("pie", ["-pie"], None, []),
    "pie_norelro": ("pie", ["-pie"], None, ["-Wl,-z,norelro"]),
    "pie_now": ("pie", ["-pie"], None, ["-Wl,-z,now"]),
    "pie_noseparate": ("pie", ["-pie", "-z", "noseparate-code"], None, ["-Wl,-z,noseparate-code"]),
    "pie_custom_section": ("pie", ["-pie"], CUSTOM, []),
    "pie_orphans": ("pie", ["-pie"], ORPHANS, []),
    "pie_dseg_pages": ("pie", ["-pie"], DSEG_PAGES, []),
    "pie_no_relro_end": ("pie", ["-pie"], NO_RELRO_END, []),
    "pie_text_base": ("pie", ["-pie"], TEXT_BASE, []),
    "pie_small": ("pie", None, SMALL, []),
    "pie_small_norelro": ("pie", None, SMALL, ["-Wl,-z,norelro"]),
    "exe_default": ("exe", [], None, []),
    "exe_lib": ("exe_lib", [], None, []),
    "exe_base_now": ("exe", [], EXE_BASE, ["-Wl,-z,now"]),
    "exe_norelro_pad": ("exe", [], PAD_DATA, ["-Wl,-z,norelro"]),
    "so_default": ("so", ["-shared"], None, []),
    "so_now": ("so", ["-shared"], None, ["-Wl,-z,now"]),
    "so_pad_gnuhash": ("so", ["-shared"], PAD_DATA, ["GNUHASH"]),
}


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("sdyn"), braze_lddir)


@pytest.fixture(scope="module")
def objs(build) -> dict:
    out = {}
    for name, src, flags in (("pie", "sdyn_main.c", ["-fPIE"]), ("exe", "sdyn_main.c", ["-fno-pie"]),
                             ("exe_lib", "sdyn_main.c", ["-fno-pie", "-DWITH_LIB"]),
                             ("lib", "sdyn_lib.c", ["-fPIC"])):
        o = build.root / f"{name}.o"
        build.run(["gcc", "-c", "-O1", *flags, C / src, "-o", o])
        out[name] = o
    # the library the exe_lib case needs, linked by bfd without a script
    (build.root / "libdir").mkdir(exist_ok=True)
    build.run(["gcc", "-fuse-ld=bfd", "-shared", out["lib"], "-o", build.root / "libdir" / "libsdyn.so"])
    return out


def _sorted_lines(text: str, pat: str) -> list:
    return sorted(" ".join(m.group(1).split()) for m in re.finditer(pat, text, re.M))


def _dyn_view(path: Path) -> dict:
    def readelf(*opts):
        p = subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
        return p.stdout
    relocs, slots, targets = [], [], []
    for line in readelf("-rW").splitlines():
        f = line.split()
        if len(f) >= 3 and re.fullmatch(r"[0-9a-f]{16}", f[0]):
            if len(f) > 4:
                # against a symbol: which GOT slot a symbol gets follows the .dynsym order (bfd's hash
                # table), so the slots and the (type, symbol) pairs are compared apart
                slots.append((f[0], f[2]))
                targets.append((f[2], " ".join(f[3:])))
            else:
                relocs.append((f[0], f[2], " ".join(f[3:])))
    return {"dynamic": readelf("-dW"),
            "dynsym": _sorted_lines(readelf("--dyn-syms", "-W"), r"^\s*\d+:\s+(.*)$"),
            "relocs": sorted(relocs), "slots": sorted(slots), "targets": sorted(targets),
            "versions": _sorted_lines(readelf("-VW"), r"^\s+0x[0-9a-f]+: (Name: .*|Rev: .*)$")}


# (not .got/.got.plt/.dynamic: GOT slots and .dynstr offsets follow bfd's .dynsym order, compared apart)
DATA = (".rodata", ".data", ".data.rel.ro", ".init_array", ".fini_array", ".tdata", ".mydata", ".interp")


def _case_script(build, name):
    kind, base, edit, _ = CASES[name]
    text = edit if isinstance(edit, str) else bfd_default_script(*base)
    if callable(edit):
        text = edit(text)
    path = build.root / f"{name}.lds"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_script_dynamic_vs_bfd(build, objs, name):
    kind, _, _, extra = CASES[name]
    script = _case_script(build, name)
    flags = [f for f in extra if f != "GNUHASH"] + ([] if "GNUHASH" in extra else [SYSV])
    mode = {"pie": ["-pie"], "exe": ["-no-pie"], "exe_lib": ["-no-pie"], "so": ["-shared"]}[kind]
    inputs = [objs["lib" if kind == "so" else kind]]
    if kind == "exe_lib":
        inputs += [f"-L{build.root / 'libdir'}", "-lsdyn"]
    outs = {}
    for linker in ("bfd", "test"):
        out = f"{name}.so" if kind == "so" else name
        outs[linker] = build.link(linker, out, inputs, *mode, *flags, f"-Wl,-T,{script}")
    bfd, test = outs["bfd"], outs["test"]
    assert _layout_view(test) == _layout_view(bfd)
    assert _dyn_view(test) == _dyn_view(bfd)
    want = {k: v for k, v in _data_bytes(bfd).items() if k in DATA}
    got = {k: v for k, v in _data_bytes(test).items() if k in DATA}
    assert got == want
    if kind == "so":
        calls = ["lib_value", "lib_describe"]
        assert run_ctypes(test, calls) == run_ctypes(bfd, calls)
        # and a program (linked by bfd without a script) that loads each library
        prog = build.root / "uses_lib"
        if not prog.exists():
            build.run(["gcc", "-fuse-ld=bfd", "-no-pie", objs["exe_lib"], f"-L{build.root / 'libdir'}",
                       "-lsdyn", "-o", prog])
        results = {}
        for linker in ("bfd", "test"):
            d = Path(outs[linker]).parent / "asdep"
            d.mkdir(exist_ok=True)
            (d / "libsdyn.so").write_bytes(Path(outs[linker]).read_bytes())
            results[linker] = run([str(prog)], env={"LD_LIBRARY_PATH": str(d)})
        assert results["test"] == results["bfd"]
        assert results["bfd"][0] == 0, results["bfd"]
    else:
        env = {"LD_LIBRARY_PATH": str(build.root / "libdir")}
        r_test, r_bfd = run([str(test)], env=env), run([str(bfd)], env=env)
        assert r_test == r_bfd
        assert r_bfd[0] == 0 and r_bfd[1].startswith("beta 5 5 42 18 11"), r_bfd


def test_dynamic_script_deterministic(build, objs, braze_lddir):
    """Two braze links of a -pie default script are byte-identical."""
    script = _case_script(build, "pie_default")
    outs = []
    for i in range(2):
        outs.append(build.link("test", f"det{i}", [objs["pie"]], "-pie", SYSV, f"-Wl,-T,{script}").read_bytes())
    assert outs[0] == outs[1]


def test_braze_message_dynamic_orphan_refused(build, objs):
    """A dynamic link whose script names none of .dynsym/.dynstr/.rela.dyn…: bfd places them by its own
    orphan rules (its output of this script does not even load: it folds .rela.plt into .rela.dyn);
    braze refuses it with an error, leaving no output."""
    script = build.root / "no_dyn_sections.lds"
    script.write_text("SECTIONS\n{\n  . = 0x10000 + SIZEOF_HEADERS;\n  .text : { *(.text .text.*) }\n"
                      "  .rodata : { *(.rodata .rodata.*) }\n  . = ALIGN(0x1000);\n"
                      "  .data : { *(.data .data.*) }\n  .bss : { *(.bss .bss.*) }\n}\n")
    p = build.link("bfd", "no_dyn", [objs["pie"]], "-pie", f"-Wl,-T,{script}")
    assert isinstance(p, Path)          # bfd links it
    p = build.link("test", "no_dyn", [objs["pie"]], "-pie", f"-Wl,-T,{script}", check=False)
    assert not isinstance(p, Path) and p.returncode == 1
    assert not (build.root / "test" / "no_dyn").exists()
    assert "Traceback" not in p.stderr
    assert re.search(r"braze: error: .*no_dyn_sections\.lds: the linker-made section \S+ has no place in "
                     r"the SECTIONS script", p.stderr), p.stderr


# ------------------------------------------------------------------------------------------ gnu-efi

EFI_LDS = Path("/usr/lib/elf_x86_64_efi.lds")
EFI_CFLAGS = ["-I/usr/include/efi", "-I/usr/include/efi/x86_64", "-fpic", "-ffreestanding",
              "-fno-stack-protector", "-fno-stack-check", "-fshort-wchar", "-mno-red-zone",
              "-maccumulate-outgoing-args", "-DEFI_FUNCTION_WRAPPER", "-O2"]
EFI_SECTIONS = (".text", ".sdata", ".data", ".dynamic", ".dynsym", ".rel", ".rela", ".reloc")


def _section_bytes(path: Path, name: str, root: Path) -> bytes:
    out = root / f"{path.name}{name}.bin"
    subprocess.run(["objcopy", "-O", "binary", "-j", name, str(path), str(out)], check=True, env=tool_env())
    return out.read_bytes()


def test_gnu_efi_application(build, direct_ld):
    """Debian gnu-efi's link (its elf_x86_64_efi.lds, crt0-efi-x86_64.o, libefi.a, libgnuefi.a,
    `-shared -Bsymbolic -nostdlib`), by bfd with gnu-efi's -znocombreloc and by braze without it (bfd's
    output is the same with and without it for this script, checked here; braze with it:
    tests/test_scripts_orphans.py). Compared: the ELF links' section headers and program headers (readelf -lSW; .eh_frame's size
    apart: bfd's has no zero terminator without crtend), the dynamic section, the dynamic relocations
    and symbols as sets, and after `objcopy --target efi-app-x86_64` the PE's sections byte for byte:
    .data, .dynamic, .reloc equal; .text equal but for code padding between input sections (bfd: NOPs,
    braze: zeros)."""
    obj = build.root / "efi.o"
    build.run(["gcc", "-c", *EFI_CFLAGS, C / "sdyn_efi.c", "-o", obj])
    common = ["-shared", "-Bsymbolic", "-nostdlib", "-T", str(EFI_LDS), "/usr/lib/crt0-efi-x86_64.o",
              str(obj), "-L/usr/lib", "-lefi", "-lgnuefi"]
    outs = {}
    for label, cmd in (("bfd", ["ld.bfd", "-znocombreloc"]), ("bfdc", ["ld.bfd"]), ("test", list(direct_ld))):
        out = build.root / f"efi-{label}.so"
        p = subprocess.run([*cmd, *common, "-o", str(out)], capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{label}: {p.stderr}"
        outs[label] = out
    assert outs["bfd"].read_bytes() == outs["bfdc"].read_bytes()

    def headers(path):
        p = subprocess.run(["readelf", "-lSW", str(path)], capture_output=True, text=True, env=tool_env())
        keep = []
        for line in p.stdout.splitlines():
            if re.search(r"strtab|section headers, starting|\.eh_frame ", line):
                continue
            if line.strip().startswith("LOAD") and " R " in line and "0x0000000000000000 0x0000000000000000" in line:
                continue        # (the first PT_LOAD ends with .eh_frame)
            keep.append(line)
        return keep
    assert headers(outs["test"]) == headers(outs["bfd"])
    # (one known difference: `_text_size = . - _text;` at the script's top level is ABS in bfd and
    # .text-relative in braze, same value: compared by value only)
    views = {}
    for label in ("bfd", "test"):
        v = _dyn_view(outs[label])
        size = [x for x in v["dynsym"] if x.endswith(" _text_size")]
        assert len(size) == 1
        views[label] = (v, size[0].split()[0])
        v["dynsym"] = [x for x in v["dynsym"] if not x.endswith(" _text_size")]
    assert views["test"] == views["bfd"]
    efis = {}
    for label in ("bfd", "test"):
        efi = build.root / f"efi-{label}.efi"
        subprocess.run(["objcopy", *[a for s in EFI_SECTIONS for a in ("-j", s)], "--target", "efi-app-x86_64",
                        str(outs[label]), str(efi)], check=True, env=tool_env())
        efis[label] = efi
    for name in (".data", ".dynamic", ".reloc"):
        assert _section_bytes(efis["test"], name, build.root) == _section_bytes(efis["bfd"], name, build.root), name
    t, b = _section_bytes(efis["test"], ".text", build.root), _section_bytes(efis["bfd"], ".text", build.root)
    assert len(t) == len(b)
    nop_bytes = set(b"\x66\x2e\x0f\x1f\x84\x80\x00\x90\x40\x44")     # (x86 NOP encodings)
    diffs = [i for i in range(len(t)) if t[i] != b[i]]
    assert all(t[i] == 0 and b[i] in nop_bytes for i in diffs), "code differs beyond padding"
