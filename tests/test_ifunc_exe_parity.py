"""IFUNCs of executables (static and dynamic non-PIE) and libraries, against ld.bfd: which references get a
PLT entry, a GOT slot or an IRELATIVE relocation of their own, and the values the program sees.

- A pointer to an IFUNC in writable data needs no PLT entry: the word gets an IRELATIVE relocation
  (in a static link ahead of the PLT's in .rela.plt, in a dynamic one in .rela.dyn), unless other
  references make a PLT entry, whose address it then holds. braze made a PLT entry for every such
  pointer (one entry and one .got.plt word too many).
- An IFUNC that is called (a PLT entry), reached through the GOT and stored in data (its address
  must compare equal): the GOT slot holds the PLT entry's address, as the data pointer does. braze
  gave the slot an IRELATIVE relocation, so `get_fg() == tab[0]` was false where bfd's is true.
- A static IFUNC reached by a PC32 jump (gcc's tail call `jmp local_f`): through its PLT entry. braze
  jumped to the resolver (a -no-pie or -static program printed the resolver's result, an address).
Sources in tests/c/ifuncexe/ (the *_lib.c files are compiled -fPIC: GOT references).
Compared: the program's output; the section sizes of .plt/.got/.got.plt/.rela.*; the IRELATIVE
relocations' count; what the data pointers hold (0 for an IRELATIVE, or a PLT entry's address)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

SRC = Path(__file__).resolve().parent / "c" / "ifuncexe"
CASES = {"data_only": ["data_only.c"], "ptreq": ["ptreq_lib.c", "ptreq_main.c"],
         "gotonly": ["gotonly_lib.c", "gotonly_main.c"], "gotplt": ["gotplt_lib.c", "gotplt_main.c"],
         "local_tail": ["local_tail.c"]}
DATA = {"data_only": ("table", 2), "ptreq": ("tab", 1), "gotonly": ("tab", 1), "gotplt": ("table", 1),
        "local_tail": None}
# gotplt: bfd reaches an IFUNC that has a PLT entry (and no address comparison) through its .got.plt
# word; braze gave it a .got slot of its own (the same value; test_fix_ifunc_gotplt_load.py)
LAYOUT_DIFFERS: set[str] = set()


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _words(path, name, n):
    """The kinds of the n words of data symbol `name`: 0, "plt" (a PLT entry's address) or "other"
    (the PLT's order follows bfd's hash table, so addresses themselves are not compared)."""
    from elftools.elf.elffile import ELFFile
    with open(path, "rb") as f:
        elf = ELFFile(f)
        sym = elf.get_section_by_name(".symtab").get_symbol_by_name(name)[0]
        plts = [elf.get_section_by_name(x) for x in (".plt", ".iplt")]
        plts = [(p["sh_addr"], p["sh_addr"] + p["sh_size"]) for p in plts if p is not None]
        for sec in elf.iter_sections():
            if sec["sh_addr"] <= sym["st_value"] < sec["sh_addr"] + sec["sh_size"] and sec["sh_type"] == "SHT_PROGBITS":
                off = sym["st_value"] - sec["sh_addr"]
                raw = sec.data()[off:off + 8 * n]
                break
    vals = [int.from_bytes(raw[i:i + 8], "little") for i in range(0, 8 * n, 8)]
    return [0 if v == 0 else "plt" if any(a <= v < b for a, b in plts) else "other" for v in vals]


def _view(path, data):
    sizes = sorted(re.findall(r"\] (\.plt|\.got|\.got\.plt|\.rela\.dyn|\.rela\.plt)\s+\S+\s+\S+\s+\S+\s+(\S+)",
                              _readelf(path, "-SW")))
    irel = [line.split()[0] for line in _readelf(path, "-rW").splitlines() if "R_X86_64_IRELATIVE" in line]
    return sizes, len(irel), _words(path, *data) if data else None


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("ifuncexe"), braze_lddir)
    for srcs in CASES.values():
        for s in srcs:
            pic = "-fPIC" if s.endswith("_lib.c") else "-fno-pie"
            b.run(["gcc", "-O2" if s == "local_tail.c" else "-O1", pic, "-c", SRC / s, "-o", s[:-2] + ".o"])
    return b


@pytest.mark.parametrize("mode", ["-static", "-no-pie"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_ifunc_exe_vs_bfd(work, case, mode):
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"{case}{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, *[s[:-2] + ".o" for s in CASES[case]], "-o", outs[linker]])
    runs = [subprocess.run([str(outs[k])], capture_output=True, text=True) for k in ("bfd", "test")]
    assert runs[0].returncode == 0 and runs[0].stdout
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    if case not in LAYOUT_DIFFERS:
        assert _view(outs["test"], DATA[case]) == _view(outs["bfd"], DATA[case])


@pytest.mark.parametrize("mode", ["-pie", "-static-pie"])
def test_local_ifunc_tail_call_pie_vs_bfd(work, mode):
    work.run(["gcc", "-O2", "-fpie", "-c", SRC / "local_tail.c", "-o", "local_tail_pie.o"])
    runs = []
    for linker in ("bfd", "test"):
        out = work.root / f"local_tail{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, "local_tail_pie.o", "-o", out])
        runs.append(subprocess.run([str(out)], capture_output=True, text=True))
    assert runs[0].returncode == 0 and runs[0].stdout == "105\n"
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)


def _dso_relocs(path):
    """The library's relocations for its IFUNCs: by symbol (data pointers, GOT slot, PLT slot) and
    IRELATIVE."""
    out = []
    for line in _readelf(path, "-rW").splitlines():
        f = line.split()
        if len(f) >= 5 and f[2] in ("R_X86_64_64", "R_X86_64_GLOB_DAT", "R_X86_64_JUMP_SLOT") and \
                f[4] in ("ga", "la"):
            out.append((f[2], f[4]))
        elif len(f) >= 3 and f[2] == "R_X86_64_IRELATIVE":
            out.append(("R_X86_64_IRELATIVE", ""))
    return sorted(out)


_SYMBOLIC = {"": [], "Bsymbolic": ["-Wl,-Bsymbolic"], "Bsymbolic-functions": ["-Wl,-Bsymbolic-functions"],
             "dynamic-list": ["-Wl,--dynamic-list=dl.txt"]}


@pytest.mark.parametrize("libflag", sorted(_SYMBOLIC))
@pytest.mark.parametrize("exe", ["-no-pie", "-pie"])
def test_library_ifunc_preemptible_vs_bfd(work, exe, libflag):
    """A library's global IFUNC is preemptible: its data pointers to it are R_X86_64_64 against the
    symbol, so a non-PIE program's canonical PLT entry is the one address everywhere. braze resolved
    them in the library (IRELATIVE): `v == lib_ptr_ga` was false where bfd's is true. bfd keeps it so
    under -Bsymbolic, -Bsymbolic-functions and a dynamic list that does not name it (only hidden,
    protected or version-script-local IFUNCs bind in the library), and calls it through a lazy PLT
    entry (a JUMP_SLOT), never a .plt.got stub: braze bound it locally under those options (with
    -Bsymbolic-functions the program's `&ga` and the library's then differed)."""
    (work.root / "dl.txt").write_text("{ lib_ptr_ga; };\n")
    work.run(["gcc", "-O2", "-fPIC", "-c", SRC / "dso_lib.c", "-o", "dso_lib.o"])
    work.run(["gcc", "-O2", "-fno-pie" if exe == "-no-pie" else "-fpie", "-c", SRC / "dso_main.c",
              "-o", f"dso_main{exe}.o"])
    runs, rels = [], []
    for linker in ("bfd", "test"):
        lib = work.root / f"libifdso{exe}{libflag}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", *_SYMBOLIC[libflag], "dso_lib.o", "-o", lib])
        out = work.root / f"ifdso{exe}{libflag}-{linker}"
        work.run(["gcc", *work.ld(linker), exe, f"dso_main{exe}.o", lib, f"-Wl,-rpath,{work.root}", "-o", out])
        runs.append(subprocess.run([str(out)], capture_output=True, text=True))
        rels.append(_dso_relocs(lib))
    # (-Bsymbolic's DT_SYMBOLIC makes the loader resolve the library's symbol references in the library)
    assert runs[0].returncode == 0 and ("eq 1 1 1 1 1" in runs[0].stdout or libflag == "Bsymbolic")
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    assert rels[1] == rels[0]


@pytest.mark.parametrize("mode", ["-static", "-no-pie", "-pie"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_ifunc_exe_aarch64_vs_bfd(work, case, mode):
    """The same programs for aarch64 (cross compiler, qemu): a GOT load of an IFUNC whose address
    must compare equal reads a .got slot holding its PLT entry's address, as bfd's (braze read the
    IRELATIVE .got.plt word: `get_fg() == tab[0]` was false in ptreq, gotonly and gotplt)."""
    import a64_harness as H
    assert H.have_toolchain()
    objs = []
    for s in CASES[case]:
        pic = "-fPIC" if s.endswith("_lib.c") else "-fpie" if mode == "-pie" else "-fno-pie"
        o = f"a64-{s[:-2]}{pic}.o"
        work.run([H.PREFIX + "gcc", "-O2", pic, "-c", SRC / s, "-o", o])
        objs.append(o)
    runs, sizes = [], []
    for linker in ("bfd", "test"):
        out = work.root / f"a64-{case}{mode}-{linker}"
        work.run([H.PREFIX + "gcc", *work.ld(linker), mode, *objs, "-o", out])
        runs.append(subprocess.run([H.QEMU, "-L", H.SYSROOT, str(out)], capture_output=True, text=True))
        sizes.append(re.findall(r"\] (\.plt|\.got|\.got\.plt|\.rela\.dyn|\.rela\.plt)\s+\S+\s+\S+\s+\S+\s+(\S+)",
                                _readelf(out, "-SW")))
    assert runs[0].returncode == 0 and runs[0].stdout
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    if mode == "-no-pie":       # (static and PIE .got/.rela.dyn sizes differ from bfd's for other reasons)
        assert sizes[1] == sizes[0]


def test_library_ifunc_preemptible_aarch64_vs_bfd(work):
    """aarch64: a library's data pointers to its global IFUNC are R_AARCH64_ABS64 against it (braze
    wrote IRELATIVEs: the -no-pie program's `&ga` != the library's pointer)."""
    import a64_harness as H
    assert H.have_toolchain()
    work.run([H.PREFIX + "gcc", "-O2", "-fPIC", "-c", SRC / "dso_lib.c", "-o", "a64-dso_lib.o"])
    work.run([H.PREFIX + "gcc", "-O2", "-fno-pie", "-c", SRC / "dso_main.c", "-o", "a64-dso_main.o"])
    runs = []
    for linker in ("bfd", "test"):
        lib = work.root / f"liba64ifdso-{linker}.so"
        work.run([H.PREFIX + "gcc", *work.ld(linker), "-shared", "a64-dso_lib.o", "-o", lib])
        out = work.root / f"a64-ifdso-{linker}"
        work.run([H.PREFIX + "gcc", *work.ld(linker), "-no-pie", "a64-dso_main.o", lib, f"-Wl,-rpath,{work.root}",
                  "-o", out])
        runs.append(subprocess.run([H.QEMU, "-L", H.SYSROOT, str(out)], capture_output=True, text=True))
    assert runs[0].returncode == 0 and "eq 1 1 1 1 1" in runs[0].stdout
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)


def _ifunc_syms(path):
    """(table, name, type, size, section name) of the program's IFUNC symbols in .dynsym and .symtab."""
    from elftools.elf.elffile import ELFFile
    out = []
    with open(path, "rb") as f:
        elf = ELFFile(f)
        for tab in (".dynsym", ".symtab"):
            for s in elf.get_section_by_name(tab).iter_symbols():
                if s.name in ("called", "taken", "mine"):
                    sec = s["st_shndx"]
                    sec = elf.get_section(sec).name if isinstance(sec, int) else sec
                    out.append((tab, s.name, s["st_info"]["type"], s["st_size"], sec))
    return sorted(out)


@pytest.mark.parametrize("mode", [("-fno-pie", "-no-pie"), ("-fno-pie", "-no-pie", "-Wl,-z,now"),
                                  ("-fpie", "-pie")], ids=["nopie", "nopie-now", "pie"])
def test_exported_ifunc_of_program_vs_bfd(work, mode):
    """A non-PIE program's IFUNC that a library uses (so exported) and that has a PLT entry is a FUNC
    at that entry in .dynsym and .symtab, as bfd writes it: glibc's loader refuses a library's
    relocation against an IFUNC of the not yet relocated program ("creates an unsatisfiable circular
    dependency"). braze exported the IFUNC itself and such a program did not start. (An exported
    IFUNC without a PLT entry, or any in a PIE, stays an IFUNC in both linkers: those programs do
    not start with either.)"""
    work.run(["gcc", "-O1", "-fPIC", "-c", SRC / "export_lib.c", "-o", "export_lib.o"])
    work.run(["gcc", "-O1", mode[0], "-c", SRC / "export_main.c", "-o", f"export_main{mode[0]}.o"])
    tag = "-".join(m.strip("-") for m in mode)
    runs, syms = [], []
    for linker in ("bfd", "test"):
        lib = work.root / f"libifexp-{tag}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "export_lib.o", "-o", lib])
        out = work.root / f"ifexp-{tag}-{linker}"
        work.run(["gcc", *work.ld(linker), *mode[1:], f"export_main{mode[0]}.o", lib, f"-Wl,-rpath,{work.root}",
                  "-o", out])
        runs.append(subprocess.run([str(out)], capture_output=True, text=True))
        syms.append(_ifunc_syms(out))
    if mode[1] == "-no-pie":
        assert runs[0].returncode == 0 and runs[0].stdout == "2 3 32 eq 1\n"
    else:
        assert runs[0].returncode != 0 and "circular dependency" in runs[0].stderr
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    assert syms[1] == syms[0]
