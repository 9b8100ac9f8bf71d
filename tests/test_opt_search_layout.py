"""Search and layout options, against ld.bfd on the same inputs (sources: tests/c/search_*.c).

Search: --sysroot (a fake sysroot built here: `=`/`$SYSROOT` in -L, in INPUT and on the command line,
the default directories inside it, a GROUP script inside the sysroot naming an absolute path that exists
both inside and outside it), `-L=/dir` without --sysroot, -T scripts, version scripts and dynamic lists
found in the -L directories given before them. Every link is made by both linkers: same success or
failure, same DT_NEEDED (which copy of a library was found: the copies have different sonames and print
different words), same program output.

Layout: --section-start, -Ttext, -Tdata, -Tbss, -Ttext-segment. A freestanding static program (no libc,
so the two linkers' layouts are otherwise identical) must give the same `readelf -hlSW` view (section
addresses, offsets, segment vaddr/offset/filesz/memsz); glibc programs (no-pie, pie) must run alike
and agree on the fixed sections' addresses, the section header order, each PT_LOAD's flags and
sections, and the ELF type; -shared libraries must have the same `readelf -lW` view and section
addresses and work when a program loads them. Combinations braze refuses must fail with
`braze: error:`, exit 1 and no output."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import tool_env
import test_shared as shared
from test_shared import run

C = Path(__file__).resolve().parent / "c"
LINKERS = ("bfd", "test")


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> shared.Build:
    return shared.Build(tmp_path_factory.mktemp("search_layout"), braze_lddir)


def _link(build, linker: str, out: Path, args) -> subprocess.CompletedProcess:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    return build.run(["gcc", *build.ld(linker), *map(str, args), "-o", out], cwd=out.parent, check=False)


def _needed(path: Path) -> list[str]:
    text = subprocess.run(["readelf", "-dW", path], capture_output=True, text=True, env=tool_env()).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", text)


def _readelf(path: Path, *opts: str) -> str:
    p = subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return p.stdout


# ------------------------------------------------------------------------------------- search

@pytest.fixture(scope="module")
def tree(build) -> Path:
    """root/sr: the sysroot; root/host: the same absolute names outside it; root/rt: every copy under
    its soname, the run-time directory of the programs."""
    root = build.root / "tree"
    if root.exists():
        return root
    sr, host, rt = root / "sr", root / "host", root / "rt"
    for d in (sr / "usr/lib/x86_64-linux-gnu", sr / "opt", rt, host / "lib"):
        d.mkdir(parents=True, exist_ok=True)
    # `host` is an absolute directory that also exists inside the sysroot (sr + host)
    inside = Path(str(sr) + str(host))
    (inside / "lib").mkdir(parents=True, exist_ok=True)
    src = C / "search_who.c"

    def lib(path: Path, soname: str, who: str):
        build.run(["gcc", "-shared", "-fPIC", "-fuse-ld=bfd", f"-DWHO=\"{who}\"", f"-Wl,-soname,{soname}",
                   src, "-o", path])
        build.run(["cp", path, rt / soname])

    lib(sr / "usr/lib/x86_64-linux-gnu/libsrdef.so", "libsrdef_sr.so", "sysroot default dir")
    lib(sr / "opt/libopt.so", "libopt_sr.so", "sysroot /opt")
    lib(sr / "opt/libsrdef.so", "libsrdef_opt.so", "sysroot /opt copy of a default-dir library")
    lib(inside / "lib/libabs.so.1", "libabs_sr.so", "sysroot copy of an absolute name")
    lib(host / "lib/libabs.so.1", "libabs_host.so", "host copy of an absolute name")
    lib(host / "lib/libopt.so", "libopt_host.so", "host opt")
    stat = build.obj(str(src), "-DWHO=\"sysroot static archive\"", name="search_who_stat.o")
    build.run(["ar", "rcs", sr / "usr/lib/x86_64-linux-gnu/libstat.a", stat])
    # glibc-style scripts: one inside the sysroot, the same text outside it
    group = f"/* GNU ld script */\nGROUP ( {host}/lib/libabs.so.1 )\n"
    (sr / "usr/lib/x86_64-linux-gnu/libgrp.so").write_text(group)
    (host / "lib/libgrp.so").write_text(group)
    (host / "lib/libinput.so").write_text("INPUT ( =/opt/libopt.so )\n")
    (host / "lib/libsd.so").write_text('SEARCH_DIR("=/opt")\nINPUT ( -lsrdef )\n')
    # a script inside the sysroot naming an absolute file that exists only outside it
    only_host = root / "onlyhost"
    only_host.mkdir(exist_ok=True)
    lib(only_host / "libonly.so.1", "libonly_host.so", "host only")
    (sr / "usr/lib/x86_64-linux-gnu/libmissing.so").write_text(f"GROUP ( {only_host}/libonly.so.1 )\n")
    return root


# name: link arguments ({sr}, {host}, {root} are filled in); the program is search_main.c + these
SEARCH_CASES = {
    "default-dir-in-sysroot": ["-Wl,--sysroot={sr}", "-lsrdef"],
    "script-in-sysroot-abs-path": ["-Wl,--sysroot={sr}", "-lgrp"],
    "script-outside-sysroot-abs-path": ["-Wl,--sysroot={sr}", "-L{host}/lib", "-lgrp"],
    "L-equals-sysroot": ["-Wl,--sysroot={sr}", "-Wl,-L=/opt", "-lopt"],
    "L-dollar-SYSROOT": ["-Wl,--sysroot={sr}", "-Wl,-L$SYSROOT/opt", "-lopt"],
    "sysroot-after-L": ["-Wl,-L=/opt", "-Wl,--sysroot={sr}", "-lopt"],
    "search-dir-after-default-dirs": ["-Wl,--sysroot={sr}", "-L{host}/lib", "-lsd"],
    "input-equals-in-script": ["-Wl,--sysroot={sr}", "-L{host}/lib", "-linput"],
    "equals-file-on-command-line": ["-Wl,--sysroot={sr}", "-Wl,=/opt/libopt.so"],
    "L-equals-no-sysroot": ["-Wl,-L={host}/lib", "-lopt"],
    "L-dollar-SYSROOT-no-sysroot": ["-Wl,-L$SYSROOT{host}/lib", "-lopt"],
    "archive-in-sysroot": ["-Wl,--sysroot={sr}", "-lstat"],
    "archive-in-sysroot-Bstatic": ["-Wl,--sysroot={sr}", "-Wl,-Bstatic", "-lsrdef", "-Wl,-Bdynamic"],
    "sysroot-wins-over-default-dirs": ["-Wl,--sysroot={sr}", "-Wl,-L=/opt", "-L{host}/lib", "-lopt"],
    "nostdlib-no-default-dirs": ["-Wl,--sysroot={sr}", "-Wl,-nostdlib", "-lsrdef"],
    "missing-inside-sysroot": ["-Wl,--sysroot={sr}", "-lmissing"],
}


@pytest.mark.parametrize("name", sorted(SEARCH_CASES))
def test_sysroot_search(build, tree, name):
    """Which library each linker finds (DT_NEEDED) and what the program then prints."""
    args = [a.format(sr=tree / "sr", host=tree / "host", root=tree) for a in SEARCH_CASES[name]]
    main = build.obj(str(C / "search_main.c"), "-fPIE", name="search_main.o")
    res = {}
    for linker in LINKERS:
        out = build.root / "search" / name / linker / "prog"
        p = _link(build, linker, out, [main, *args, f"-Wl,-rpath,{tree / 'rt'}"])
        res[linker] = (p, out)
    (pb, ob), (pt, ot) = res["bfd"], res["test"]
    assert (pb.returncode == 0) == (pt.returncode == 0), f"bfd:\n{pb.stderr}\nunder test:\n{pt.stderr}"
    if pb.returncode:
        assert pt.returncode == 1 and not ot.exists()
        if not os.environ.get("BRAZE_LDDIR"):
            assert "braze: error:" in pt.stderr
        return
    assert _needed(ot) == _needed(ob)
    assert run([ot]) == run([ob])


@pytest.fixture(scope="module")
def scripts(build) -> Path:
    """A directory only reachable through -L: a version script, a dynamic list, a -T script."""
    d = build.root / "scripts"
    if not d.exists():
        d.mkdir()
        (d / "exports.map").write_text("VERS_1 { global: kept; also_kept; local: *; };\n")
        (d / "dyn.list").write_text("{ counter; };\n")
        obj = build.obj(str(C / "search_fs.c"), "-fno-pic", "-fno-stack-protector",
                        "-fno-asynchronous-unwind-tables", name="search_fs.o")
        (d / "inputs.ld").write_text(f"INPUT ( {obj} )\n")
    return d


def _dynsyms(path: Path) -> list[str]:
    out = []
    for line in _readelf(path, "--dyn-syms", "-W").splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].rstrip(":").isdigit() and f[6] != "UND":
            out.append(f"{f[7]} {f[3]} {f[4]}")
    return sorted(out)


COMMAND_FILE_CASES = {
    # name: (what is linked, arguments; {d} = the scripts directory)
    "version-script-in-L-dir": ("lib", ["-L{d}", "-Wl,--version-script=exports.map"]),
    "version-script-L-after": ("lib", ["-Wl,--version-script=exports.map", "-L{d}"]),
    "dynamic-list-in-L-dir": ("exe", ["-L{d}", "-Wl,--dynamic-list=dyn.list"]),
}


@pytest.mark.parametrize("name", sorted(COMMAND_FILE_CASES))
def test_command_file_search(build, scripts, name):
    """bfd opens these files when it reads the option: -L directories given before it are searched."""
    kind, args = COMMAND_FILE_CASES[name]
    args = [a.format(d=scripts) for a in args]
    res = {}
    for linker in LINKERS:
        out = build.root / "cmdfiles" / name / linker / ("lib.so" if kind == "lib" else "prog")
        if kind == "lib":
            inputs = ["-shared", build.obj(str(C / "search_vers.c"), name="search_vers.o")]
        else:
            inputs = [build.obj(str(C / "search_main.c"), "-fPIE", name="search_main.o")]
        res[linker] = (_link(build, linker, out, [*inputs, *args]), out)
    (pb, ob), (pt, ot) = res["bfd"], res["test"]
    assert (pb.returncode == 0) == (pt.returncode == 0), f"bfd:\n{pb.stderr}\nunder test:\n{pt.stderr}"
    if pb.returncode:
        assert pt.returncode == 1 and not ot.exists()
        return
    assert _dynsyms(ot) == _dynsyms(ob)
    if kind == "exe":
        assert run([ot]) == run([ob])


@pytest.mark.parametrize("where", ["L-before", "L-after"])
def test_T_script_search(build, scripts, direct_ld, where):
    """-T FILE: looked for in the -L directories given before it. The script only names a freestanding
    object (bfd, for which -T replaces its default script, lays it out its own way): found or not
    found alike, and the programs print the same."""
    args = ["-L", scripts, "-T", "inputs.ld"] if where == "L-before" else ["-T", "inputs.ld", "-L", scripts]
    res = {}
    for linker, cmd in (("bfd", ["ld.bfd"]), ("test", direct_ld)):
        out = build.root / "T-search" / where / linker / "prog"
        out.parent.mkdir(parents=True, exist_ok=True)
        p = build.run([*cmd, "-static", *args, "-o", out], cwd=out.parent, check=False)
        res[linker] = (p, out)
    (pb, ob), (pt, ot) = res["bfd"], res["test"]
    assert (pb.returncode == 0) == (pt.returncode == 0), f"bfd:\n{pb.stderr}\nunder test:\n{pt.stderr}"
    if pb.returncode:
        assert "inputs.ld" in pb.stderr and "inputs.ld" in pt.stderr and not ot.exists()
        return
    assert run([ot]) == run([ob])


# ------------------------------------------------------------------------------------- layout

LAYOUTS = {
    "none": [],
    "Ttext": ["-Wl,-Ttext=0x500000"],
    "Ttext-separate-arg": ["-Wl,-Ttext,500000"],
    "Ttext-same-page": ["-Wl,-Ttext=0x401800"],
    "Ttext-next-page": ["-Wl,-Ttext=0x402000"],
    "Ttext-page-gap": ["-Wl,-Ttext=0x403000"],
    "Tdata": ["-Wl,-Tdata=0x800000"],
    "Tbss": ["-Wl,-Tbss=0x900000"],
    "Tdata-Tbss-one-segment": ["-Wl,-Tdata=0x800000", "-Wl,-Tbss=0x800100"],
    "Tdata-Tbss-apart": ["-Wl,-Tdata=0x800000", "-Wl,-Tbss=0x805000"],
    "section-start-rodata": ["-Wl,--section-start=.rodata=0x700000"],
    "section-start-unknown": ["-Wl,--section-start=.nosuch=0x700000"],
    "section-start-twice": ["-Wl,--section-start=.rodata=0x700000", "-Wl,--section-start=.rodata=0x710000"],
    "several": ["-Wl,-Tbss=0x900000", "-Wl,-Ttext=0x500000", "-Wl,--section-start=.rodata=0x600000"],
    "Ttext-segment": ["-Wl,-Ttext-segment=0x600000"],
    "Ttext-segment-separate-arg": ["-Wl,-Ttext-segment,0x10000"],
    "Ttext-segment-and-Ttext": ["-Wl,-Ttext-segment=0x600000", "-Wl,-Ttext=0x680000"],
    "norelro": ["-Wl,-z,norelro"],
    "section-start-init": ["-Wl,--section-start=.init=0x500000"],
    "section-start-fini": ["-Wl,--section-start=.fini=0x480000"],
    "section-start-eh_frame": ["-Wl,--section-start=.eh_frame=0x480000"],
    "norelro-Tdata": ["-Wl,-z,norelro", "-Wl,-Tdata=0x480000"],
}


def _layout_view(path: Path) -> str:
    """readelf -hlSW without what the symbol tables' sizes move (non-allocated sections' rows and the
    section header table's offset) and the entry point's line (checked through the program's run)."""
    keep = []
    for line in _readelf(path, "-hlSW").splitlines():
        if re.match(r"\s+\[\s*\d+\] \.(comment|symtab|strtab|shstrtab)\b", line):
            continue
        if re.search(r"Start of section headers|There are \d+ section headers", line):
            continue
        keep.append(line)
    return "\n".join(keep)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_freestanding(build, layout):
    """No libc: the whole layout (addresses, offsets, segments) must be bfd's."""
    obj = build.obj(str(C / "search_fs.c"), "-fno-pic", "-fno-stack-protector", "-fno-asynchronous-unwind-tables",
                    name="search_fs.o")
    outs = {}
    for linker in LINKERS:
        out = build.root / "layout-fs" / layout / linker / "prog"
        p = _link(build, linker, out, ["-no-pie", "-nostdlib", "-static", obj, *LAYOUTS[layout]])
        assert p.returncode == 0, p.stderr
        outs[linker] = out
    assert _layout_view(outs["test"]) == _layout_view(outs["bfd"])
    assert run([outs["test"]]) == run([outs["bfd"]])


def _sections(path: Path) -> list[tuple[str, str]]:
    """(name, address) in section header order."""
    out = []
    for line in _readelf(path, "-SW").splitlines():
        m = re.match(r"\s+\[\s*\d+\] (\S+)\s+\S+\s+([0-9a-f]{16})", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def _loads(path: Path) -> list[tuple[str, str]]:
    """Each PT_LOAD's flags and the sections readelf maps to it."""
    text = _readelf(path, "-lW")
    flags = [m.group(1).strip() for m in re.finditer(r"^\s+LOAD\s+(?:\S+\s+){5}(.{3})", text, re.M)]
    mapping = re.findall(r"^\s+(\d\d)\s+(.*)$", text.split("Section to Segment mapping:")[1], re.M)
    types = [line.split()[0] for line in text.split("Program Headers:")[1].split("Section to")[0].splitlines()[2:]
             if line.strip() and not line.strip().startswith("[")]
    load_maps = [" ".join(sorted(m[1].split())) for t, m in zip(types, mapping) if t == "LOAD"]
    return list(zip(flags, load_maps))


def _named_sections(flags) -> set[str]:
    """The sections the layout options place."""
    out = set()
    for f in flags:
        m = re.search(r"-T(text|data|bss)[=,]", f) or re.search(r"--section-start=([^=]+)=", f)
        if m:
            out.add("." + m.group(1) if m.re.pattern.startswith("-T") else m.group(1))
    return out


@pytest.mark.parametrize("mode", ["nopie", "pie"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_glibc(build, layout, mode):
    """With glibc: same run; same fixed addresses, header order, PT_LOAD contents and ELF type."""
    pic = "-fno-pic" if mode == "nopie" else "-fPIE"
    obj = build.obj(str(C / "search_main.c"), pic, "-DNO_WHO", name=f"search_main_{mode}.o")
    flags = list(LAYOUTS[layout])
    if mode == "pie":     # addresses are relative to 0 there: keep them well above the headers
        flags = [re.sub(r"=0x([0-9a-f]+)$", lambda m: "=0x%x" % (int(m.group(1), 16) - 0x400000 + 0x10000)
                        if int(m.group(1), 16) >= 0x400000 else m.group(0), f) for f in flags]
    outs = {}
    for linker in LINKERS:
        out = build.root / "layout-glibc" / f"{layout}-{mode}" / linker / "prog"
        p = _link(build, linker, out, ["-no-pie" if mode == "nopie" else "-pie", obj, *flags])
        assert p.returncode == 0, p.stderr
        outs[linker] = out
    b, t = outs["bfd"], outs["test"]
    assert run([t]) == run([b])
    sb, st = _sections(b), _sections(t)
    assert [n for n, _ in st] == [n for n, _ in sb]
    fixed = _named_sections(flags)
    assert [x for x in st if x[0] in fixed] == [x for x in sb if x[0] in fixed]
    assert _loads(t) == _loads(b)
    hb, ht = _readelf(b, "-hW"), _readelf(t, "-hW")
    assert re.search(r"Type:.*", ht).group(0) == re.search(r"Type:.*", hb).group(0)
    assert re.search(r"LOAD\s+\S+\s+(\S+)", _readelf(t, "-lW")).group(1) == \
        re.search(r"LOAD\s+\S+\s+(\S+)", _readelf(b, "-lW")).group(1)


SHARED_LAYOUTS = ["none", "Ttext", "Tdata", "Tbss", "section-start-rodata", "Ttext-segment", "several"]


@pytest.mark.parametrize("layout", SHARED_LAYOUTS)
def test_layout_shared(build, layout):
    """-shared: addresses relative to 0 as bfd; same segments and section addresses; the library works."""
    obj = build.obj(str(C / "search_who.c"), "-DWHO=\"shared library with a fixed layout\"", name="search_who_pic.o")
    flags = [re.sub(r"=0x([0-9a-f]+)$", lambda m: "=0x%x" % (int(m.group(1), 16) - 0x400000 + 0x10000), f)
             for f in LAYOUTS[layout]]
    main = build.obj(str(C / "search_main.c"), "-fPIE", name="search_main.o")
    views = {}
    runs = {}
    for linker in LINKERS:
        d = build.root / "layout-shared" / layout / linker
        lib = d / "libwho.so"
        p = _link(build, linker, lib, ["-shared", obj, "-Wl,-soname,libwho.so", *flags])
        assert p.returncode == 0, p.stderr
        views[linker] = (_readelf(lib, "-lW"), _sections(lib))
        prog = d / "prog"
        p = _link(build, "bfd", prog, [main, f"-L{d}", "-lwho", f"-Wl,-rpath,{d}"])
        assert p.returncode == 0, p.stderr
        runs[linker] = run([prog])
    assert views["test"] == views["bfd"]
    assert runs["test"] == runs["bfd"]


REFUSED = {
    "rodata-segment": ["-Wl,-Trodata-segment=0x900000"],
    "unaligned-text-segment": ["-Wl,-Ttext-segment=0x600010"],
}

# placements braze refused until it laid address-option links out with bfd's default script
# (scriptlayout.py): now compared with bfd
PLACED = {
    "backwards": ["-Wl,-Ttext=0x300000"],
    "relro-section": ["-Wl,--section-start=.init_array=0x900000"],
    "same-page-other-permissions": ["-Wl,--section-start=.rodata=0x401200"],
    "absent-script-section": ["-Wl,--section-start=.gnu_extab=0x480000"],
    "orphan-section-next-to-data": ["ORPHAN", "-Wl,-Tdata=0x800000"],
    "headers-segment": ["-Wl,--section-start=.interp=0x410000"],
}


@pytest.mark.parametrize("name", sorted(PLACED))
def test_layout_placed_as_bfd(build, name):
    """Each placement as bfd lays it out: the readelf view and the program's run."""
    flags = PLACED[name]
    if flags[0] == "ORPHAN":
        obj = build.obj(str(C / "search_orphan.c"), "-fno-pic", name="search_orphan.o")
        flags = flags[1:]
    else:
        obj = build.obj(str(C / "search_main.c"), "-fno-pic", "-DNO_WHO", name="search_main_nopie.o")
    outs = {}
    for linker in LINKERS:
        out = build.root / "placed" / name / linker / "prog"
        p = _link(build, linker, out, ["-no-pie", obj, *flags])
        assert p.returncode == 0, p.stderr
        outs[linker] = out
    assert _layout_view(outs["test"]) == _layout_view(outs["bfd"])
    assert run([outs["test"]]) == run([outs["bfd"]])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_layout_refused(build, name):
    """What braze cannot lay out as bfd does is refused, never written differently."""
    if os.environ.get("BRAZE_LDDIR"):
        pytest.skip("braze's own refusals")
    flags = REFUSED[name]
    if flags[0] == "ORPHAN":
        obj = build.obj(str(C / "search_orphan.c"), "-fno-pic", name="search_orphan.o")
        flags = flags[1:]
    else:
        obj = build.obj(str(C / "search_main.c"), "-fno-pic", "-DNO_WHO", name="search_main_nopie.o")
    out = build.root / "refused" / name / "prog"
    p = _link(build, "bfd", out, ["-no-pie", obj, *flags])
    assert p.returncode == 0, "bfd links it (the refusal is braze's own limit)"
    p = _link(build, "test", out, ["-no-pie", obj, *flags])
    assert p.returncode == 1 and "braze: error:" in p.stderr and "not supported" in p.stderr, p.stderr
    assert not out.exists()
