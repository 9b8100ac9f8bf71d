"""--just-symbols=FILE / -R FILE against ld.bfd: FILE's defined globals become absolute definitions at
their addresses in FILE (an executable "ROM" at 0x20000000, or a relocatable object), none of its
sections.

Compared for each link (bfd and the linker under test, same command line): the program's stdout and
exit status (it prints the ROM symbols' addresses and which definition of a doubly defined symbol
won), and the .symtab (and with -rdynamic .dynsym) entries of every name the ROM defines: value,
size, type, binding, visibility, absolute or not.  With -r the whole normalised readelf view
(tests/relocatable_view.py).  And bfd's errors: a shared object given, --disable-multiple-abs-defs
with a doubly defined symbol; braze refuses -pie/-shared (bfd's output there is relocated as if the
ROM moved with the program)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, need_tool, run_env
from relocatable_view import view, diff_views

SRC = REPO / "tests" / "c" / "optjs"


@pytest.fixture(scope="module")
def rom(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("optjs")
    _run(["gcc", "-O1", "-fno-pic", "-c", SRC / "rom.c", "-o", "rom.o"], tmp)
    _run([need_tool("ld.bfd"), "-static", "-e", "rom_entry", "-Ttext-segment=0x20000000",
          "--unresolved-symbols=ignore-all", "rom.o", "-o", "rom.elf"], tmp)
    _run(["gcc", "-O1", "-fno-pie", "-c", SRC / "app.c", "-o", "app.o"], tmp)
    return tmp


def _rom_names(rom: Path) -> set:
    out = _run(["readelf", "-sW", rom / "rom.o"], rom).stdout
    return {ln.split()[7] for ln in out.splitlines() if len(ln.split()) == 8 and ln.split()[0] != "Num:"}


def _entries(path: Path, names: set, which: str) -> dict:
    out = _run(["readelf", which, "-W", path], path.parent).stdout
    res = {}
    for ln in out.splitlines():
        f = ln.split()
        if len(f) == 8 and f[0] != "Num:" and f[7] in names:
            ndx = f[6] if f[6] in ("ABS", "UND") else "sec"
            val = f[1] if ndx == "ABS" else "-"          # layouts differ; absolute values must not
            res.setdefault(f[7], []).append((val, f[2], f[3], f[4], f[5], ndx))
    return res


@pytest.mark.parametrize("how", [
    ["-no-pie", "-Wl,-R,rom.elf"],
    ["-no-pie", "-Wl,--just-symbols=rom.elf"],
    ["-no-pie", "-rdynamic", "-Wl,--just-symbols,rom.elf"],
    ["-static", "-Wl,-R,rom.elf"],
    ["-no-pie", "-Wl,-R,rom.o"],
    ["-no-pie", "FIRST", "-Wl,-R,rom.elf"],          # before app.o: the ROM's rom_dup stays
], ids=" ".join)
def test_just_symbols_final_link(how, rom, braze_lddir):
    names = _rom_names(rom) | {"_end", "_edata", "__bss_start"}
    res = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        opts = [o for o in how if o != "FIRST"]
        cmd = ["gcc", *sel, *opts, "app.o"] if "FIRST" in how else ["gcc", *sel, "app.o", *opts]
        exe = rom / f"prog-{label}"
        _run([*cmd, "-o", exe], rom)
        run = rom / f"run-{label}-{len(how)}"
        run.mkdir(exist_ok=True)
        p = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True, timeout=20)
        res[label] = (p.returncode, p.stdout, _entries(exe, names, "-s"), _entries(exe, names, "--dyn-syms"))
    assert res["bfd"][0] == 0 and ("rom.o" in how[-1] or "200" in res["bfd"][1])
    assert res["test"] == res["bfd"], _clip(f"{res['test']}\n!=\n{res['bfd']}")


@pytest.mark.parametrize("flags", [["-R", "rom.elf"], ["--just-symbols=rom.o"], ["-x", "-R", "rom.o"]],
                         ids=" ".join)
def test_just_symbols_relocatable(flags, rom, direct_ld):
    """With -r bfd keeps the file's undefined symbols too, and _end & co. (no script assigns them)."""
    ref = rom / "r-bfd.o"
    mine = rom / "r-mine.o"
    _run([need_tool("ld.bfd"), "-r", "app.o", *flags, "-o", ref], rom)
    _run([*direct_ld, "-r", "app.o", *flags, "-o", mine], rom)
    d = diff_views(view(mine), view(ref))
    assert not d, _clip(d)


def _fails(rom, cmd, name):
    out = rom / name
    p = _run([*cmd, "-o", out], rom, check=False)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert not out.exists()
    return p.stderr


def test_just_symbols_errors(rom, direct_ld):
    bfd = need_tool("ld.bfd")
    _run(["gcc", "-shared", "-fPIC", "-fuse-ld=bfd", SRC / "rom.c", "-o", "librom.so"], rom)
    for ld, name in (([bfd], "bfd"), (direct_ld, "mine")):
        err = _fails(rom, [*ld, "app.o", "-R", "librom.so"], name)
        assert "librom.so: --just-symbols may not be used on DSO" in err
        # --disable-multiple-abs-defs: the ROM's rom_dup is a multiple definition again
        err = _fails(rom, [*ld, "--disable-multiple-abs-defs", "app.o", "-R", "rom.o", "--unresolved-symbols=ignore-all"],
                     name)
        assert "rom_dup" in err
    (rom / "notelf").write_text("hello\n")
    err = _fails(rom, [*direct_ld, "app.o", "-R", "notelf"], "mine")
    assert "notelf" in err
    err = _fails(rom, [*direct_ld, "-pie", "app.o", "-R", "rom.o"], "mine")
    assert "not supported" in err


def test_R_directory_is_rpath(rom, direct_ld):
    """-R DIR (and --just-symbols DIR) stay -rpath DIR, as in bfd."""
    d = rom / "libdir"
    d.mkdir(exist_ok=True)
    (rom / "pic.c").write_text("int pic(void) { return 1; }\n")
    _run(["gcc", "-c", "-fPIC", "pic.c", "-o", "pic.o"], rom)
    tags = {}
    for ld, name in (([need_tool("ld.bfd")], "bfd"), (direct_ld, "mine")):
        out = rom / f"rp-{name}.so"
        _run([*ld, "-shared", "-R", d, f"--just-symbols={d}", "pic.o", "-o", out], rom)
        tags[name] = [ln.split()[-1] for ln in _run(["readelf", "-dW", out], rom).stdout.splitlines()
                      if "RUNPATH" in ln or "RPATH" in ln]
    assert tags["mine"] == tags["bfd"] and tags["bfd"]
