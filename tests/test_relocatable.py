"""`-r` (relocatable links) and `-b binary` against ld.bfd.

Each case's objects are partially linked by `ld.bfd -r` and by the linker under test (`ld -r`); the two
ET_REL outputs are compared by their readelf views, and each is then linked into a program by ld.bfd
(and bfd's partial link by the linker under test) and run: same stdout and exit status.

Views compared (tests/relocatable_view.py): the section table in order (name, type, flags, entsize,
alignment, size), the symbols as a set (name, type, binding, visibility, section NAME, value, size),
the relocations in order per relocation section (offset, type, symbol name or section name +
addend), the COMDAT groups (signature and member names), the notes (readelf -n; build-id bytes aside).  Normalised where bfd's layout differs
legitimately: section file offsets and indices (names instead), the order of the globals (bfd writes
them in its hash-table walk), and the sizes of .strtab/.shstrtab (bfd shares string tails)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import run_cmd as _run
from harness import REPO, _clip, need_tool, run_env, tool_env
from relocatable_view import view, diff_views

SRC = REPO / "tests" / "c"
CASES = {
    # case: (sources, extra cflags)
    "cxx_eh_comdat": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], []),
    "cxx_comdat_templates": (["cxx_comdat_templates/a.cc", "cxx_comdat_templates/b.cc",
                              "cxx_comdat_templates/main.cc"], []),
    "cxx_thread_local": (["cxx_thread_local/defs.cc", "cxx_thread_local/main.cc"], []),
    "ctor_dtor": (["ctor_dtor/b.c", "ctor_dtor/main.c"], []),
    "multi_object_g": (["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c",
                        "multi_object/util.c", "multi_object/main.c"], ["-g"]),
    "common": (["common_archive/cdef.c", "common_archive/main.c"], ["-fcommon"]),
    "cxx_eh_g": (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-g", "-ffunction-sections"]),
    # .note.gnu.property (IBT, SHSTK) merged into one note as bfd -r merges it
    "cet": (["ctor_dtor/b.c", "ctor_dtor/main.c"], ["-fcf-protection=full"]),
}


def _compile(tmp: Path, srcs, flags) -> list[Path]:
    objs = []
    for s in srcs:
        out = tmp / (Path(s).stem + ".o")
        cc = "g++" if s.endswith(".cc") else "gcc"
        _run([cc, "-c", "-O2", "-fPIE", *flags, SRC / s, "-o", out], tmp)
        objs.append(out)
    return objs


def _partial(tmp: Path, ld: list, inputs, out: str, *flags) -> Path:
    path = tmp / out
    _run([*ld, "-r", *flags, *inputs, "-o", path], tmp)
    return path


def _program(tmp: Path, obj: Path, linker_flags: list, name: str, cxx: bool):
    exe = tmp / name
    _run(["g++" if cxx else "gcc", *linker_flags, obj, "-o", exe], tmp)
    run = tmp / f"run-{name}"
    run.mkdir()
    p = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True,
                       errors="replace", timeout=20)
    return p.returncode, p.stdout


def _same_views(mine: Path, ref: Path):
    d = diff_views(view(mine), view(ref))
    assert not d, f"readelf views of {mine.name} and bfd's {ref.name} differ:\n{_clip(d)}"


@pytest.fixture(scope="module")
def ld_bfd():
    return [need_tool("ld.bfd")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_partial_link(case, tmp_path, direct_ld, ld_bfd, braze_lddir):
    srcs, flags = CASES[case]
    cxx = any(s.endswith(".cc") for s in srcs)
    objs = _compile(tmp_path, srcs, flags)
    ref = _partial(tmp_path, ld_bfd, objs, "bfd.o")
    mine = _partial(tmp_path, direct_ld, objs, "mine.o")
    _same_views(mine, ref)
    # each partial link made into a program by bfd; bfd's also by the linker under test
    want = _program(tmp_path, ref, ["-fuse-ld=bfd"], "ref", cxx)
    assert _program(tmp_path, mine, ["-fuse-ld=bfd"], "mine-bfd", cxx) == want
    assert _program(tmp_path, ref, [f"-B{braze_lddir}/"], "ref-test", cxx) == want
    # the objects linked directly behave the same too (the harness sees a real program)
    exe = tmp_path / "direct"
    _run(["g++" if cxx else "gcc", "-fuse-ld=bfd", *objs, "-o", exe], tmp_path)
    run = tmp_path / "run-direct"
    run.mkdir()
    p = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True, timeout=20)
    assert (p.returncode, p.stdout) == want


def test_partial_of_partials_and_archives(tmp_path, direct_ld, ld_bfd, braze_lddir):
    """-r of -r outputs; an archive with and without --whole-archive."""
    srcs = ["multi_object/list.c", "multi_object/map.c", "multi_object/strbuf.c", "multi_object/util.c",
            "multi_object/main.c"]
    objs = _compile(tmp_path, srcs, [])
    lib = tmp_path / "libmo.a"
    _run(["ar", "rcs", lib, *objs[:4]], tmp_path)
    want = None
    for label, ld in (("bfd", ld_bfd), ("mine", direct_ld)):
        a = _partial(tmp_path, ld, objs[:2], f"{label}-a.o")
        b = _partial(tmp_path, ld, objs[2:], f"{label}-b.o")
        ab = _partial(tmp_path, ld, [a, b], f"{label}-ab.o")
        arc = _partial(tmp_path, ld, [objs[4], lib], f"{label}-ar.o")
        whole = _partial(tmp_path, ld, ["--whole-archive", lib, "--no-whole-archive"], f"{label}-whole.o")
        if label == "bfd":
            ref = (ab, arc, whole)
            want = _program(tmp_path, ab, ["-fuse-ld=bfd"], "ref", False)
            continue
        for m, r in zip((ab, arc, whole), ref):
            _same_views(m, r)
        assert _program(tmp_path, ab, ["-fuse-ld=bfd"], "mine-ab", False) == want
        assert _program(tmp_path, arc, ["-fuse-ld=bfd"], "mine-ar", False) == want
        # bfd's partial of the archive linked by the linker under test
        assert _program(tmp_path, ref[1], [f"-B{braze_lddir}/"], "ref-ar-test", False) == want


def test_gdb_backtrace_through_partial_link(tmp_path, direct_ld, ld_bfd):
    """-g objects partially linked, then a program (linked by bfd): gdb stops in the same place with
    the same backtrace (function names, files, lines) as on bfd's partial link."""
    src = REPO / "tests" / "gdb" / "frames.cc"
    obj = tmp_path / "frames.o"
    _run(["g++", "-g", "-O1", "-c", src, "-o", obj], tmp_path)
    traces = {}
    for label, ld in (("bfd", ld_bfd), ("mine", direct_ld)):
        part = _partial(tmp_path, ld, [obj], f"{label}.o")
        exe = tmp_path / f"prog-{label}"
        _run(["g++", "-fuse-ld=bfd", part, "-o", exe], tmp_path)
        rundir = tmp_path / f"gdb-{label}"
        rundir.mkdir()
        p = subprocess.run([need_tool("gdb"), "-batch", "-nx", "-ex", "break braze_gdb::braze_leaf", "-ex", "run",
                            "-ex", "bt", str(exe)], cwd=rundir, env=run_env(rundir, {}), capture_output=True,
                           text=True, errors="replace", timeout=120)
        import re
        traces[label] = [re.sub(r"0x[0-9a-f]+", "ADDR", ln) for ln in p.stdout.splitlines()
                         if ln.startswith(("#", "Breakpoint 1,"))]
    assert any("Walker::walk" in ln for ln in traces["bfd"]), "harness: no backtrace from bfd's program"
    assert traces["mine"] == traces["bfd"]


BINARY_MAIN = r"""
#include <stdio.h>
extern const char _binary_data_blob_txt_start[], _binary_data_blob_txt_end[];
extern const char _binary_data_blob_txt_size[];
int main(void) {
    printf("%d [%.*s]\n", (int)(_binary_data_blob_txt_end - _binary_data_blob_txt_start),
           (int)(_binary_data_blob_txt_end - _binary_data_blob_txt_start), _binary_data_blob_txt_start);
    printf("size %lu\n", (unsigned long)_binary_data_blob_txt_size);
    return 0;
}
"""


def test_binary_input(tmp_path, direct_ld, ld_bfd, braze_lddir):
    """-b binary: with -r (then -b elf64-x86-64 / default back for the next object) and in a final link."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "blob.txt").write_text("hello, embedded world")
    (tmp_path / "m.c").write_text(BINARY_MAIN)
    _run(["gcc", "-c", "-O2", "-fno-pie", "m.c", "-o", "m.o"], tmp_path)
    outs = {}
    for label, ld in (("bfd", ld_bfd), ("mine", direct_ld)):
        outs[label] = (_partial(tmp_path, ld, ["-b", "binary", "data/blob.txt"], f"{label}-bin.o"),
                       _partial(tmp_path, ld, ["-b", "binary", "data/blob.txt", "-b", "elf64-x86-64", "m.o"],
                                f"{label}-mixed.o"),
                       _partial(tmp_path, ld, ["--format=binary", "data/blob.txt", "--format=default", "m.o"],
                                f"{label}-mixed2.o"))
    for m, r in zip(outs["mine"], outs["bfd"]):
        _same_views(m, r)
    want = _program(tmp_path, outs["bfd"][1], ["-fuse-ld=bfd", "-no-pie"], "ref", False)
    assert "hello, embedded world" in want[1]
    assert _program(tmp_path, outs["mine"][1], ["-fuse-ld=bfd", "-no-pie"], "mine", False) == want
    # a final link with a binary input (bfd also warns that it has no .note.GNU-stack)
    res = {}
    for label, flags in (("bfd", ["-fuse-ld=bfd"]), ("test", [f"-B{braze_lddir}/"])):
        exe = tmp_path / f"final-{label}"
        p = _run(["gcc", *flags, "-no-pie", "m.o", "-Wl,-b,binary", "data/blob.txt", "-Wl,-b,default",
                  "-o", exe], tmp_path)
        run = tmp_path / f"run-final-{label}"
        run.mkdir()
        q = subprocess.run([str(exe)], cwd=run, env=run_env(run, {}), capture_output=True, text=True, timeout=20)
        stack = [ln.split()[-2:] for ln in _run(["readelf", "-lW", exe], tmp_path).stdout.splitlines()
                 if "GNU_STACK" in ln]
        res[label] = (q.returncode, q.stdout, "missing .note.GNU-stack" in p.stderr, stack)
    assert res["test"] == res["bfd"]


def test_refused_and_errors(tmp_path, direct_ld):
    (tmp_path / "a.c").write_text("int a(void) { return 1; }\n")
    _run(["gcc", "-c", "-fPIC", "a.c", "-o", "a.o"], tmp_path)
    for extra, want in ((["-shared"], "-r and -shared may not be used together"),
                        (["--unique"], "not supported"),
                        (["-b", "srec"], "not supported")):
        p = _run([*direct_ld, "-r", *extra, "a.o", "-o", "out.o"], tmp_path, check=False)
        assert p.returncode == 1 and want in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert not (tmp_path / "out.o").exists()
    _run(["gcc", "-shared", "-fuse-ld=bfd", "a.o", "-o", "liba.so"], tmp_path)
    p = _run([*direct_ld, "-r", "a.o", "liba.so", "-o", "out.o"], tmp_path, check=False)
    assert p.returncode == 1 and "attempted static link of dynamic object" in p.stderr
    assert not (tmp_path / "out.o").exists()


def _kbuild_dir() -> Path:
    """The kbuild tree of Debian's linux-headers-amd64 (Makefile APT_PKGS); the running kernel may be
    another one, so the tree is found under /usr/src, not through `uname -r`."""
    import glob
    trees = sorted(glob.glob("/usr/src/linux-headers-*-amd64"))
    assert trees, "linux-headers-amd64 is not installed (see Makefile APT_PKGS)"
    return Path(trees[-1])


def test_kernel_module(tmp_path, braze_lddir):
    """An out-of-tree Linux module built by kbuild with LD=ld.bfd and with LD=<linker under test>: kbuild
    links the .ko with `ld -r -m elf_x86_64 -z noexecstack --build-id=sha1 -T arch/x86/module.lds`.
    The two .ko files are compared structurally (views above, build-id bytes aside); they cannot be
    loaded here (no root in a kernel of this version), so nothing runs them.  Both links use the same
    objects: the module is built with bfd, then kbuild relinks it when LD changes."""
    tree = _kbuild_dir()
    kos = {}
    d = tmp_path / "kmod"
    d.mkdir()
    (d / "braze_hello.c").write_text((SRC / "reloc_kmod" / "braze_hello.c").read_text())
    (d / "Kbuild").write_text("obj-m := braze_hello.o\n")
    for label, ld in (("bfd", need_tool("ld.bfd")), ("tst", str(Path(braze_lddir) / "ld"))):
        p = subprocess.run(["make", "-C", str(tree), f"M={d}", f"LD={ld}", "modules"], capture_output=True,
                           text=True, env=tool_env(), timeout=600)
        assert p.returncode == 0, f"kbuild with LD={ld} failed:\n{_clip(p.stdout + p.stderr)}"
        assert "LD [M]" in p.stdout, f"kbuild did not link the module with LD={ld}:\n{p.stdout}"
        kos[label] = d / f"{label}.ko"
        (d / "braze_hello.ko").rename(kos[label])
    _same_views(kos["tst"], kos["bfd"])
    notes = {k: subprocess.run(["readelf", "-n", str(v)], capture_output=True, text=True).stdout
             for k, v in kos.items()}
    assert all("Build ID" in n and ".modinfo" not in n for n in notes.values())
    info = {k: subprocess.run(["readelf", "-p", ".modinfo", str(v)], capture_output=True, text=True).stdout
            for k, v in kos.items()}
    assert "braze test module" in info["bfd"]
    assert info["tst"].replace("tst.ko", "X") == info["bfd"].replace("bfd.ko", "X")


def test_partial_link_many_sections(tmp_path, direct_ld, ld_bfd):
    """-r of objects with 66,000+ sections (tests/test_many_sections.py's): the output needs extended
    section numbers (e_shnum 0, SHN_XINDEX, .symtab_shndx), also for symbols in sections numbered
    0xfff1/0xfff2 (not SHN_ABS/SHN_COMMON); the COMDAT duplicate in other.o is dropped.  bfd's
    warning about the inputs without .note.GNU-stack names the same (last) object."""
    import test_many_sections as many
    (tmp_path / "many.s").write_text(many._many_s())
    (tmp_path / "other.s").write_text(many.OTHER_S)
    (tmp_path / "main.c").write_text(many.MAIN_C)
    for src in ("many.s", "other.s", "main.c"):
        _run(["gcc", "-c", "-O1", "-fPIE", src], tmp_path)
    objs = ["many.o", "other.o", "main.o"]
    msgs = {}
    for label, ld in (("bfd", ld_bfd), ("mine", direct_ld)):
        p = _run([*ld, "-r", *objs, "-o", f"{label}.o"], tmp_path)
        msgs[label] = [ln.split(":", 1)[1] for ln in p.stderr.splitlines()]
    assert msgs["mine"] == msgs["bfd"]
    hdr = _run(["readelf", "-h", "mine.o"], tmp_path).stdout
    assert "Number of section headers:         0 (" in hdr, hdr
    _same_views(tmp_path / "mine.o", tmp_path / "bfd.o")
    want = _program(tmp_path, tmp_path / "bfd.o", ["-fuse-ld=bfd"], "ref", False)
    assert want[0] == 0 and want[1].startswith("12305008 ")
    assert _program(tmp_path, tmp_path / "mine.o", ["-fuse-ld=bfd"], "mine", False) == want


def test_partial_link_deterministic_and_undefined(tmp_path, direct_ld, ld_bfd):
    """Two -r links under different PYTHONHASHSEEDs give the same bytes (--build-id included); -u
    adds an undefined symbol as in bfd's output."""
    import os
    objs = _compile(tmp_path, CASES["cxx_eh_comdat"][0], [])
    outs = []
    for seed in ("1", "2"):
        env = dict(tool_env(), PYTHONHASHSEED=seed)
        p = subprocess.run([*direct_ld, "-r", "--build-id", "-u", "extra_undef", *map(str, objs), "-o",
                            f"d{seed}.o"], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        outs.append((tmp_path / f"d{seed}.o").read_bytes())
    assert outs[0] == outs[1]
    _partial(tmp_path, ld_bfd, ["--build-id", "-u", "extra_undef", *objs], "bfd.o")
    _same_views(tmp_path / "d1.o", tmp_path / "bfd.o")
    assert os.stat(tmp_path / "d1.o").st_mode & 0o111 == 0      # not executable, as bfd's


@pytest.mark.parametrize("srcs,roots", [
    (["reloc_gc/keep.c"], ["-e", "main"]),              # notes, constructors, FDEs of kept code stay
    (["reloc_gc/deadref.c"], ["-u", "live"]),           # an import only removed code used: made local
    (["cxx_eh_comdat/factory.cc", "cxx_eh_comdat/main.cc"], ["-e", "main"]),
], ids=["keep", "deadref", "cxx"])
def test_partial_link_gc_sections(srcs, roots, tmp_path, direct_ld, ld_bfd):
    """-r --gc-sections: the roots are the -e/-u symbols only; same output as bfd's (then linked into a
    program by bfd: same behaviour)."""
    objs = _compile(tmp_path, srcs, ["-ffunction-sections", "-fdata-sections", "-fno-inline", "-g"])
    for label, ld in (("bfd", ld_bfd), ("mine", direct_ld)):
        _run([*ld, "-r", "--gc-sections", *roots, *objs, "-o", f"{label}.o"], tmp_path)
    _same_views(tmp_path / "mine.o", tmp_path / "bfd.o")
    if roots == ["-e", "main"]:
        cxx = srcs[0].endswith(".cc")
        want = _program(tmp_path, tmp_path / "bfd.o", ["-fuse-ld=bfd"], "ref", cxx)
        assert _program(tmp_path, tmp_path / "mine.o", ["-fuse-ld=bfd"], "mine", cxx) == want


def test_partial_link_gc_sections_needs_a_root(tmp_path, direct_ld, ld_bfd):
    objs = _compile(tmp_path, ["reloc_gc/keep.c"], [])
    for ld in (ld_bfd, direct_ld):
        for extra in ([], ["-u", "nosuch"]):
            p = _run([*ld, "-r", "--gc-sections", *extra, *objs, "-o", "out.o"], tmp_path, check=False)
            assert p.returncode == 1 and "--gc-sections requires a defined symbol root specified by -e or -u" \
                in p.stderr, p.stderr
            assert not (tmp_path / "out.o").exists()
