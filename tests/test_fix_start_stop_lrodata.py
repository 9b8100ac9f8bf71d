"""__start_X/__stop_X and large read-only data, against ld.bfd (found by a fuzzing run):

- bfd defines __start_X/__stop_X only when an input section X exists (lang_init_start_stop) and is
  still in the output; otherwise the reference stays undefined: an error in an executable, an import
  in a shared library (here resolved at run time by another library, which --as-needed keeps because
  a linked library refers to it).  braze defined both as absolute 0 in every mode.
- with --gc-sections, only a live reference keeps the sections X (bfd's mark phase); an exported bound
  keeps the first one; an empty section X is removed but its bounds stay, at its address.
- an executable exports them under --export-dynamic and when a --dynamic-list names them (dlsym).
- -z noseparate-code: the PT_LOAD holding .lrodata (after the data segment) is R, not R E.

Compared: exit status and output of each program, and readelf rows (symbols, segments, sections)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

LINKERS = ("bfd", "test")


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True,
                          env=tool_env(), check=True).stdout


def _rows(path, names, dyn=False) -> list[tuple]:
    """The symbol rows (value, type, bind, vis, shndx, name) of `names`, sorted (.dynsym or .symtab)."""
    out = _readelf(path, "--dyn-syms" if dyn else "-s")
    if not dyn:
        out = out.partition("Symbol table '.symtab'")[2]
    rows = []
    for f in (line.split() for line in out.splitlines()):
        if len(f) >= 8 and f[0].endswith(":") and f[7].split("@")[0] in names:
            rows.append((f[1], f[3], f[4], f[5], f[6], f[7]))
    return sorted(rows)


def _write(d: Path, name: str, text: str) -> Path:
    p = d / name
    p.write_text(text)
    return p


USE = """#include <stdio.h>
extern const char __start_myset[], __stop_myset[];
int main(void) { printf("n=%d\\n", (int)(__stop_myset - __start_myset)); return 0; }
"""


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static", "-static-pie"])
def test_undefined_bounds_without_section(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    b.run(["gcc", "-O2", "-c", _write(tmp_path, "use.c", USE), "-o", "use.o"])
    res = []
    for linker in LINKERS:
        p = b.run(["gcc", *b.ld(linker), mode, "use.o", "-o", f"p-{linker}"], check=False)
        res.append((p.returncode, "__start_myset" in p.stderr, "__stop_myset" in p.stderr))
    assert res[0] == (1, True, True)
    assert res[1] == res[0]
    assert "Traceback" not in p.stderr


def test_shared_bounds_import(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    _write(tmp_path, "libdef.c", '__attribute__((section("yset"), used)) static const int e[3] = {1, 2, 3};\n'
           "extern const int __start_yset[], __stop_yset[];\n"
           "int defcount(void) { return (int)(__stop_yset - __start_yset); }\n")
    _write(tmp_path, "libuse.c", "extern const int __start_yset[], __stop_yset[];\n"
           "int count(void) { return (int)(__stop_yset - __start_yset); }\n")
    _write(tmp_path, "main.c", '#include <stdio.h>\nint count(void);\n'
           'int main(void) { printf("count=%d\\n", count()); return 0; }\n')
    b.run(["gcc", "-fPIC", "-c", "libdef.c", "libuse.c"])
    b.run(["gcc", "-c", "main.c"])
    res = []
    for linker in LINKERS:
        d = tmp_path / linker
        d.mkdir()
        b.run(["gcc", *b.ld(linker), "-shared", "libdef.o", "-o", d / "libdef.so"])
        b.run(["gcc", *b.ld(linker), "-shared", "libuse.o", "-o", d / "libuse.so"])
        # (gcc passes --as-needed: libdef.so is kept for libuse.so's references)
        b.run(["gcc", *b.ld(linker), "main.o", "-o", d / "prog", f"-L{d}", "-luse", "-ldef",
               f"-Wl,-rpath,{d}"])
        run = subprocess.run([str(d / "prog")], capture_output=True, text=True)
        needed = [ln.split()[-1] for ln in _readelf(d / "prog", "-d").splitlines() if "(NEEDED)" in ln]
        res.append((run.returncode, run.stdout, needed,
                    [r[1:] for r in _rows(d / "libuse.so", {"__start_yset", "__stop_yset"}, dyn=True)]))
    assert res[0][:2] == (0, "count=3\n")
    assert res[1] == res[0]


SECTS = {
    "empty": '.section myset,"a"\n',
    "empty_retained": '.section myset,"aR"\n',
    "two": '.section myset,"a"\n.byte 1,2\n',
}


def _bounds_case(tmp_path, braze_lddir, use_src, srcs, flags, run=True):
    b = BuildDir(tmp_path, braze_lddir)
    objs = []
    for i, text in enumerate(srcs):
        s = _write(tmp_path, f"s{i}.s", text + '.section .note.GNU-stack,"",@progbits\n')
        b.run(["gcc", "-c", s, "-o", f"s{i}.o"])
        objs.append(f"s{i}.o")
    b.run(["gcc", "-O2", "-fPIC", "-ffunction-sections", "-c", _write(tmp_path, "use.c", use_src), "-o", "use.o"])
    res = []
    for linker in LINKERS:
        out = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), *flags, "use.o", *objs, "-o", out])
        got = subprocess.run([str(out)], capture_output=True, text=True) if run else None
        secs = [ln.split("]", 1)[1].split()[0] for ln in _readelf(out, "-S").splitlines() if "]" in ln]
        res.append(((got.returncode, got.stdout) if got else None,
                    _rows(out, {"__start_myset", "__stop_myset"}),
                    _rows(out, {"__start_myset", "__stop_myset"}, dyn=True), secs))
    return res


@pytest.mark.parametrize("sect", ["empty", "empty_retained"])
@pytest.mark.parametrize("flags", [[], ["-static"], ["-Wl,--gc-sections"], ["-shared"]],
                         ids=["pie", "static", "gc", "shared"])
def test_empty_section_bounds(tmp_path, braze_lddir, sect, flags):
    res = _bounds_case(tmp_path, braze_lddir, USE, [SECTS[sect]], flags, run="-shared" not in flags)
    assert len(res[0][1]) == 2          # bfd defines them (the empty section goes)
    assert "myset" not in res[0][3]
    assert res[1] == res[0]


DEAD = """#include <stdio.h>
extern const char __start_myset[], __stop_myset[];
__attribute__((visibility("hidden"))) long unused(void) { return (long)(__stop_myset - __start_myset); }
int main(void) { puts("hi"); return 0; }
"""


@pytest.mark.parametrize("flags", [["-Wl,--gc-sections"], ["-Wl,--gc-sections,-z,start-stop-gc"],
                                   ["-rdynamic", "-Wl,--gc-sections"], ["-shared", "-Wl,--gc-sections"]],
                         ids=["gc", "start-stop-gc", "rdynamic", "shared"])
@pytest.mark.parametrize("nsect", [0, 2])
def test_dead_reference_bounds(tmp_path, braze_lddir, flags, nsect):
    """Only dead code refers to the bounds: bfd keeps no section X (an exported bound: the first)."""
    res = _bounds_case(tmp_path, braze_lddir, DEAD, [SECTS["two"], '.section myset,"a"\n.byte 3,4,5\n'][:nsect],
                       flags, run="-shared" not in flags)
    assert res[1] == res[0]


XSET = """#include <stdio.h>
#include <dlfcn.h>
__attribute__((section("xset"), used)) static const int e[3] = {1, 2, 3};
extern const int __start_xset[], __stop_xset[];
int main(void) {
  printf("n=%d %s %s\\n", (int)(__stop_xset - __start_xset), dlsym(RTLD_DEFAULT, "__start_xset") ? "found" : "-",
         dlsym(RTLD_DEFAULT, "_end") ? "found" : "-");
  return 0;
}
"""


@pytest.mark.parametrize("flags", [["-pie", "-rdynamic"], ["-no-pie", "-rdynamic"],
                                   ["-rdynamic", "-Wl,-z,start-stop-visibility=hidden"],
                                   ["-Wl,--dynamic-list=dl.txt"], ["-no-pie", "-Wl,--dynamic-list=dl2.txt"],
                                   ["-Wl,--export-dynamic-symbol=__stop_xset"]],
                         ids=["pie", "nopie", "hidden", "dynlist", "dynlist-glob", "export-symbol"])
def test_exported_bounds(tmp_path, braze_lddir, flags):
    b = BuildDir(tmp_path, braze_lddir)
    _write(tmp_path, "dl.txt", "{ __start_xset; _end; __bss_start; };\n")
    _write(tmp_path, "dl2.txt", "{ _*; };\n")
    b.run(["gcc", "-O2", "-c", _write(tmp_path, "main.c", XSET), "-o", "main.o"])
    res = []
    for linker in LINKERS:
        out = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), *flags, "main.o", "-o", out, "-ldl"])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        dyn = sorted((f[3], f[4], f[5], f[6] != "UND", f[7]) for f in
                     (ln.split() for ln in _readelf(out, "--dyn-syms").splitlines())
                     if len(f) >= 8 and f[0].endswith(":") and f[0] != "0:")
        res.append((run.returncode, run.stdout, dyn))
    assert res[0][0] == 0
    assert res[1] == res[0]


LARGE = """#include <stdio.h>
const int R[100000] = {4, 5, 6};
int L[100000] = {1, 2};
int main(void) { printf("%d %d\\n", R[1], L[1]); return 0; }
"""


@pytest.mark.parametrize("z", ["separate-code", "noseparate-code"])
@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static", "-static-pie"])
def test_lrodata_segment_flags(tmp_path, braze_lddir, z, mode):
    b = BuildDir(tmp_path, braze_lddir)
    b.run(["gcc", "-O2", "-fPIE", "-mcmodel=medium", "-c", _write(tmp_path, "m.c", LARGE), "-o", "m.o"])
    res = []
    for linker in LINKERS:
        out = tmp_path / f"p-{linker}"
        b.run(["gcc", *b.ld(linker), mode, f"-Wl,-z,{z}", "m.o", "-o", out])
        run = subprocess.run([str(out)], capture_output=True, text=True)
        text = _readelf(out, "-l")
        loads = [" ".join(ln.split()[7:-1]) for ln in text.splitlines() if ln.split()[:1] == ["LOAD"]]
        mapping = text.split("Section to Segment mapping:")[1].splitlines()
        lro = [" ".join(ln.split()[1:]) for ln in mapping if ".lrodata" in ln.split()]
        seg = next(i for i, ln in enumerate(mapping[2:]) if ".lrodata" in ln.split())
        res.append((run.returncode, run.stdout, loads, lro, seg))
    assert res[0][:2] == (0, "5 2\n")
    assert res[1] == res[0]
