"""--copy-dt-needed-entries / --add-needed (and --no-copy-dt-needed-entries / --no-add-needed) against
ld.bfd, with small libraries built by gcc now: liba.so needs libb.so, which needs libc3.so (libav.so
needs the versioned libbv.so; libd.so needs libe.so). Each link is made by both linkers through gcc
(which passes --as-needed and -plugin) and compared: exit status and diagnostics, the DT_NEEDED list
in order, the .dynsym rows (as a set: braze orders imports otherwise), .gnu.version_r, and what the
programs print (LD_LIBRARY_PATH). What bfd does, and these tests check:
- a library read for a copied one's DT_NEEDED is needed (its DT_NEEDED entry after the others) only when
  it defines what a regular object references non-weakly and nothing defined before; its own DT_NEEDED
  ones are read whether or not it is needed (not those of an --as-needed library that was dropped);
- its symbols are imported without a version (no .gnu.version_r entry), .symtab still names it;
- a weak reference binds to its definition (a canonical PLT entry in a non-PIE executable) without
  making it needed -- also for the libraries bfd reads for its "DSO missing" check by default;
- the option is positional (--push-state saves it); -shared too; a library not found is reported twice
  (with -plugin, bfd reads the copied ones before the plugin's all-symbols-read and again after);
- the search: -rpath-link, -rpath, LD_LIBRARY_PATH before the parent's DT_RUNPATH, never -L;
- with -r the option changes nothing."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, braze_command, run_env, sh, tool_env

C = "-Wl,--copy-dt-needed-entries"
NC = "-Wl,--no-copy-dt-needed-entries"
NA = "-Wl,--no-as-needed"

SOURCES = {
    "c.c": "int c_fn(void) { return 3; }\nint c_data = 30;\n",
    "b.c": "int c_fn(void);\nint b_fn(void) { return 2 + c_fn(); }\nint shared_fn(void) { return 200; }\n",
    "a.c": "int b_fn(void);\nint a_fn(void) { return 1 + b_fn(); }\nint shared_fn(void) { return 100; }\n",
    "e.c": "int e_fn(void) { return 5; }\n",
    "d.c": "int e_fn(void);\nint d_fn(void) { return 4 + e_fn(); }\n",
    "bv.c": "int c_fn(void);\nint b_fn(void) { return 2 + c_fn(); }\nint b_old(void) { return 20; }\n"
            "int b_new(void) { return 21; }\n__asm__(\".symver b_old,b_ver@VB_1\");\n"
            "__asm__(\".symver b_new,b_ver@@VB_2\");\nint b_data = 7;\n",
    "av.c": "int b_fn(void);\nint a_fn(void) { return 1 + b_fn(); }\n",
    "balt.c": "int c_fn(void);\nint b_fn(void) { return 2 + c_fn(); }\nint alt_marker(void) { return 77; }\n",
    # programs
    "m1.c": '#include <stdio.h>\nint a_fn(void); int b_fn(void);\n'
            'int main(void) { printf("%d %d\\n", a_fn(), b_fn()); return 0; }\n',
    "m2.c": '#include <stdio.h>\nint a_fn(void); int b_fn(void); int c_fn(void); extern int c_data;\n'
            'int main(void) { printf("%d %d %d %d\\n", a_fn(), b_fn(), c_fn(), c_data); return 0; }\n',
    "m3.c": '#include <stdio.h>\nint shared_fn(void); int a_fn(void);\n'
            'int main(void) { printf("%d %d\\n", shared_fn(), a_fn()); return 0; }\n',
    "m5.c": '#include <stdio.h>\nint c_fn(void);\nint main(void) { printf("%d\\n", c_fn()); return 0; }\n',
    "m6.c": '#include <stdio.h>\nint a_fn(void); int b_fn(void); int d_fn(void); int e_fn(void);\n'
            'int main(void) { printf("%d %d %d %d\\n", a_fn(), b_fn(), d_fn(), e_fn()); return 0; }\n',
    "m7.c": '#include <stdio.h>\nint a_fn(void); int b_fn(void); int d_fn(void);\n'
            'int main(void) { printf("%d %d %d\\n", a_fn(), b_fn(), d_fn()); return 0; }\n',
    "mv1.c": '#include <stdio.h>\nint a_fn(void); int b_fn(void); int b_ver(void); extern int b_data;\n'
             'int main(void) { printf("%d %d %d %d\\n", a_fn(), b_fn(), b_ver(), b_data); return 0; }\n',
    "mv2.c": '#include <stdio.h>\nint a_fn(void); __attribute__((weak)) int b_fn(void);\n'
             'int main(void) { printf("%d %d\\n", a_fn(), b_fn ? b_fn() : -1); return 0; }\n',
    "malt.c": '#include <stdio.h>\nint alt_marker(void); int a_fn(void);\n'
              'int main(void) { printf("%d %d\\n", alt_marker(), a_fn()); return 0; }\n',
    "s1.c": "int a_fn(void); int b_fn(void); int c_fn(void);\n"
            "int s1(void) { return a_fn() + b_fn() + c_fn(); }\n",
}


class Build:
    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir

    def run(self, cmd, env=None, check=True):
        p = subprocess.run([str(c) for c in cmd], cwd=self.root, env=env or tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=300)
        if check:
            assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    b = Build(tmp_path_factory.mktemp("copydt"), braze_lddir)
    r = b.root
    for name, text in SOURCES.items():
        (r / name).write_text(text)
    (r / "bv.map").write_text("VB_1 { global: b_fn; b_old; b_data; local: *; };\nVB_2 { global: b_new; } VB_1;\n")
    for d in ("sub", "rp", "alt", "miss", "bfd", "braze"):
        (r / d).mkdir()

    def lib(out, src, *extra):
        soname = os.path.basename(out)
        b.run(["gcc", "-fuse-ld=bfd", "-O1", "-fPIC", "-shared", f"-Wl,-soname,{soname}", "-o", out, src, *extra])

    lib("libc3.so", "c.c")
    lib("libb.so", "b.c", "-L.", "-lc3")
    lib("liba.so", "a.c", "-L.", "-lb")
    lib("libe.so", "e.c")
    lib("libd.so", "d.c", "-L.", "-le")
    lib("libbv.so", "bv.c", "-Wl,--version-script,bv.map", "-L.", "-lc3")
    lib("libav.so", "av.c", "-L.", "-lbv")
    lib("alt/libb.so", "balt.c", "-L.", "-lc3")
    lib("sub/libb.so", "b.c", "-L.", "-lc3", "-Wl,-rpath,$ORIGIN/..")
    lib("rp/liba.so", "a.c", "-Lsub", "-lb", "-Wl,-rpath,$ORIGIN/../sub")
    lib("miss/liba.so", "a.c", "-L.", "-lb")
    for src in ("m1", "m2", "m3", "m5", "m6", "m7", "mv1", "mv2", "malt"):
        b.run(["gcc", "-O1", "-c", f"{src}.c", "-o", f"{src}.o"])
        b.run(["gcc", "-O1", "-fno-pie", "-c", f"{src}.c", "-o", f"{src}np.o"])
    b.run(["gcc", "-O1", "-fPIC", "-c", "s1.c", "-o", "s1.o"])
    return b


def _link(build: Build, linker: str, name: str, args: list[str], env_extra=None):
    out = build.root / linker / name
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
    env = tool_env(env_extra)
    cmd = ["gcc", *ld, "-o", out, *args]
    p = build.run(cmd, env=env, check=False)
    return cmd, p, out


def _diags(text: str) -> list[str]:
    """The linker's messages without the program's name (collect2's last line dropped)."""
    out = []
    for line in text.splitlines():
        if line.startswith("collect2:"):
            continue
        out.append(re.sub(r"^(\S*/ld\.bfd|\S*/ld|ld|braze): (error: )?", "", line))
    return out


def _readelf(*args) -> str:
    return subprocess.run(["readelf", "-W", *map(str, args)], capture_output=True, text=True, check=True).stdout


def _needed(path) -> list[str]:
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.*)\]", _readelf("-d", path))


def _dynsym(path) -> list[str]:
    rows = []
    for line in _readelf("--dyn-syms", path).splitlines()[3:]:
        f = line.split()
        if len(f) >= 8:
            rows.append(" ".join(f[2:]))        # (size, type, bind, vis, ndx, name@version)
    return sorted(rows)


def _symtab_names(path, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, _readelf("-s", path))))


def _verneed(path) -> list[str]:
    text = _readelf("-V", path)
    i = text.find("'.gnu.version_r'")
    if i < 0:
        return []
    return [ln.split("Offset:")[-1] if "Addr:" in ln else ln for ln in text[i:].splitlines()
            if "Addr:" not in ln]


def _run(exe: Path, libdir: Path):
    p = subprocess.run([str(exe)], cwd=exe.parent, env=run_env(exe.parent, {"LD_LIBRARY_PATH": str(libdir)}),
                       capture_output=True, text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout, p.stderr


def compare(build: Build, name: str, args: list[str], env_extra=None, ok=True, run=True):
    """Link with both; the same status, diagnostics and, when linked, the same dynamic view and run."""
    bcmd, bp, bout = _link(build, "bfd", name, args, env_extra)
    tcmd, tp, tout = _link(build, "braze", name, args, env_extra)
    report = f"\n$ {sh(bcmd)}\n{bp.stderr}\n$ {sh(tcmd)}\n{tp.stderr}"
    assert (bp.returncode == 0) == ok, "bfd did not do what this test expects" + report
    assert (tp.returncode == 0) == ok, report
    if not ok:
        assert not tout.exists(), report
        return bp, tp
    assert _diags(tp.stderr) == _diags(bp.stderr), report
    assert _needed(tout) == _needed(bout), report
    assert _dynsym(tout) == _dynsym(bout), report
    assert _verneed(tout) == _verneed(bout), report
    if run:
        assert _run(tout, build.root) == _run(bout, build.root), report
    return bout, tout


LP = ["-L.", "-Wl,-rpath-link,."]

# (id, gcc arguments, expected DT_NEEDED of both)
LINKS = [
    ("basic", [C, "m1.o", "-la", *LP], ["liba.so", "libc.so.6", "libb.so"]),
    ("depth", [C, "m2.o", "-la", *LP], ["liba.so", "libc.so.6", "libb.so", "libc3.so"]),
    ("depth_nopie", ["-no-pie", C, "m2np.o", "-la", *LP], ["liba.so", "libc.so.6", "libb.so", "libc3.so"]),
    ("add_needed", [NA, "-Wl,--add-needed", "m1.o", "-la", *LP], ["liba.so", "libc.so.6", "libb.so"]),
    # libb.so is read but not needed: libc3.so still is (its parent was given without --as-needed)
    ("unneeded_middle", [NA, C, "m5.o", "-la", *LP], ["liba.so", "libc.so.6", "libc3.so"]),
    # liba.so defines shared_fn first: libb.so's definition does not make it needed
    ("defined_before", [NA, C, "m3.o", "-la", *LP], ["liba.so", "libc.so.6"]),
    ("also_on_command_line", [NA, C, "m2.o", "-la", "-lb", *LP], ["liba.so", "libb.so", "libc.so.6", "libc3.so"]),
    ("command_line_as_needed", [C, "m1.o", "-la", "-lb", *LP], ["liba.so", "libb.so", "libc.so.6"]),
    # libc3.so, given --as-needed before anything references it, is dropped there; read again for libb.so
    ("dropped_then_copied", [C, "-Wl,--as-needed", "-lc3", NA, "m5.o", "-la", *LP], ["liba.so", "libc.so.6", "libc3.so"]),
    ("toggle_off", [NA, C, "m7.o", "-la", NC, "-ld", *LP], ["liba.so", "libd.so", "libc.so.6", "libb.so"]),
    ("push_pop", [NA, C, "-Wl,--push-state,--no-copy-dt-needed-entries", "-Wl,--pop-state", "m1.o", "-la", *LP],
     ["liba.so", "libc.so.6", "libb.so"]),
    ("versions", [C, "mv1.o", "-lav", *LP], ["libav.so", "libc.so.6", "libbv.so"]),
    ("versions_nopie", ["-no-pie", C, "mv1np.o", "-lav", *LP], ["libav.so", "libc.so.6", "libbv.so"]),
    ("weak", [C, "mv2.o", "-lav", *LP], ["libav.so", "libc.so.6"]),
    ("weak_nopie", ["-no-pie", NA, C, "mv2np.o", "-lav", *LP], ["libav.so", "libc.so.6"]),
    # without the option: bfd reads libbv.so for its checks, and the weak reference binds to it too
    ("weak_nopie_default", ["-no-pie", NA, "mv2np.o", "-lav", *LP], ["libav.so", "libc.so.6"]),
    ("shared", ["-shared", NA, C, "s1.o", "-la", *LP], ["liba.so", "libc.so.6", "libb.so", "libc3.so"]),
    ("shared_as_needed", ["-shared", C, "s1.o", "-la", *LP], ["liba.so", "libb.so", "libc3.so"]),
    ("runpath", [NA, C, "m2.o", "-Lrp", "-la"], ["liba.so", "libc.so.6", "libb.so", "libc3.so"]),
    ("rpath", [NA, C, "m2.o", "-Lrp", "-la", "-Wl,-rpath,$PWD/sub", "-Wl,-rpath,$PWD"],
     ["liba.so", "libc.so.6", "libb.so", "libc3.so"]),
]


@pytest.mark.parametrize("case", LINKS, ids=[c[0] for c in LINKS])
def test_copy_dt_needed_link(build, case):
    name, args, needed = case
    args = [a.replace("$PWD", str(build.root)) for a in args]
    bout, tout = compare(build, name, args)
    assert _needed(bout) == needed


def test_copied_symbols_keep_version_in_symtab(build):
    """.dynsym has no version for libbv.so's symbols, .symtab names theirs (as bfd)."""
    bout, tout = compare(build, "symtab_versions", [C, "mv1.o", "-lav", *LP])
    pat = r"\b(b_(?:fn|ver|data)@\S+)"
    assert _symtab_names(tout, pat) == _symtab_names(bout, pat) == ["b_data@VB_1", "b_fn@VB_1", "b_ver@VB_2"]


def test_ld_library_path_before_runpath(build):
    """alt/libb.so (in LD_LIBRARY_PATH) wins over rp/liba.so's DT_RUNPATH $ORIGIN/../sub; libc3.so is then
    found by neither (alt/libb.so has no DT_RUNPATH): both linkers warn and fail alike."""
    bp, tp = compare(build, "ldlp", [NA, C, "malt.o", "-Lrp", "-la"],
                     env_extra={"LD_LIBRARY_PATH": str(build.root / "alt")}, ok=False)
    assert _diags(tp.stderr) == _diags(bp.stderr)
    assert "libc3.so, needed by " + str(build.root / "alt" / "libb.so") + ", not found" in tp.stderr


def test_ld_library_path_links(build):
    env = {"LD_LIBRARY_PATH": f"{build.root / 'sub'}:{build.root}"}
    compare(build, "ldlp_ok", [NA, C, "m2.o", "-Lrp", "-la"], env_extra=env)


def test_minus_L_is_not_searched(build):
    """libb.so lies in the -L directory: bfd does not look there for DT_NEEDED libraries."""
    bp, tp = compare(build, "minusL", [NA, C, "m1.o", "-L.", "-la"], ok=False)
    assert _diags(tp.stderr)[:2] == _diags(bp.stderr)[:2] == [
        "warning: libb.so, needed by ./liba.so, not found (try using -rpath or -rpath-link)"] * 2


def test_not_found_shared(build):
    """-shared: the library is read (and reported missing, twice with gcc's -plugin) despite the
    default --allow-shlib-undefined. (Only the messages and DT_NEEDED are compared: the type of the
    undefined b_fn in .dynsym, FUNC in bfd's, NOTYPE in braze's, differs without the option too.)"""
    args = ["-shared", NA, C, "s1.o", "-Lmiss", "-la"]
    _c, bp, bout = _link(build, "bfd", "missing.so", args)
    _c, tp, tout = _link(build, "braze", "missing.so", args)
    assert bp.returncode == tp.returncode == 0, bp.stderr + tp.stderr
    assert _diags(tp.stderr) == _diags(bp.stderr) == [
        "warning: libb.so, needed by miss/liba.so, not found (try using -rpath or -rpath-link)"] * 2
    assert _needed(tout) == _needed(bout) == ["liba.so", "libc.so.6"]


@pytest.mark.parametrize("case", [
    ("off_then_error", [NA, C, "m6.o", "-la", NC, "-ld", *LP]),
    ("on_after", [NA, "m7.o", "-la", C, "-ld", *LP]),
    ("push_pop_off", [NA, "-Wl,--push-state,--copy-dt-needed-entries", "-Wl,--pop-state", "m1.o", "-la", *LP]),
    ("no_add_needed", [NA, "-Wl,--add-needed", "m6.o", "-ld", "-Wl,--no-add-needed", "-la", *LP]),
], ids=lambda c: c[0])
def test_dso_missing_where_not_copied(build, case):
    """The library needed by one given under --no-copy-dt-needed-entries stays "DSO missing"."""
    name, args = case
    bp, tp = compare(build, name, args, ok=False)
    assert _diags(tp.stderr) == _diags(bp.stderr)
    assert re.search(r"error adding symbols: DSO missing from command line$", tp.stderr, re.M)


def test_dropped_as_needed_parent(build):
    """liba.so (gcc's --as-needed) is not needed by m5.o: its DT_NEEDED libraries are not read, so
    c_fn is undefined for both."""
    bp, tp = compare(build, "dropped", [C, "m5.o", "-la", *LP], ok=False)
    assert "c_fn" in bp.stderr and "c_fn" in tp.stderr


def test_map_as_needed_section(build):
    """-Map lists the copied libraries in bfd's as-needed part, with the first symbol that made them needed."""
    outs = []
    for linker in ("bfd", "braze"):
        m = build.root / linker / "copy.map"
        _cmd, p, _out = _link(build, linker, "mapped", [C, "m2.o", "-la", *LP, f"-Wl,-Map,{m}"])
        assert p.returncode == 0, p.stderr
        text = m.read_text()
        outs.append(text[text.index("As-needed library"):text.index("Discarded input sections")])
    assert outs[0] == outs[1]
    assert "libc3.so                      m2.o (c_data)" in outs[1]


def test_relocatable_unchanged(build):
    """-r: bfd reads no library, the option changes nothing; braze's output is the same with and without."""
    r = build.root
    for linker, ld in (("bfd", ["ld.bfd"]), ("braze", braze_command())):
        build.run([*ld, "-r", "m1.o", "-o", f"{linker}/r0.o"])
        build.run([*ld, "-r", "--copy-dt-needed-entries", "m1.o", "-o", f"{linker}/r1.o"])
        assert (r / linker / "r0.o").read_bytes() == (r / linker / "r1.o").read_bytes(), linker


def test_lto_refused(build):
    build.run(["gcc", "-O1", "-flto", "-c", "m1.c", "-o", "m1lto.o"])
    _cmd, p, out = _link(build, "braze", "lto", [C, "-flto", "m1lto.o", "-la", *LP])
    assert p.returncode != 0 and not out.exists()
    assert "braze: error: --copy-dt-needed-entries with LTO (IR) inputs is not supported" in p.stderr
    assert "Traceback" not in p.stderr


def test_cref_refused(build):
    _cmd, p, out = _link(build, "braze", "cref", [C, "m1.o", "-la", *LP, "-Wl,--cref"])
    assert p.returncode != 0 and not out.exists()
    assert "braze: error: --cref with --copy-dt-needed-entries is not supported" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("flags", [[C], [NA, C], ["-no-pie", C]], ids=["pie", "no_as_needed", "nopie"])
def test_cxx(build, flags):
    """g++ with libstdc++ (which needs libm, libgcc_s, libc): the same DT_NEEDED list, .dynsym rows
    (version indices aside: braze numbers the version needs in another order, with or without the
    option) and output."""
    src = build.root / "cx.cc"
    src.write_text('#include <iostream>\n#include <cmath>\n#include <stdexcept>\n'
                   'int main() { try { throw std::runtime_error("x"); } catch (std::exception &e) '
                   '{ std::cout << e.what() << " " << std::sqrt(2.0) << std::endl; } return 0; }\n')
    build.run(["g++", "-O1", "-fno-pie" if "-no-pie" in flags else "-fPIE", "-c", src, "-o", "cx.o"])
    outs = []
    for linker in ("bfd", "braze"):
        out = build.root / linker / ("cx" + "_".join(f.strip("-W,l") for f in flags))
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
        build.run(["g++", *ld, *flags, "cx.o", "-o", out])
        outs.append(out)
    bout, tout = outs
    assert _needed(tout) == _needed(bout)
    strip = lambda rows: [re.sub(r" \(\d+\)$", "", r) for r in rows]     # noqa: E731
    assert strip(_dynsym(tout)) == strip(_dynsym(bout))
    assert _run(tout, build.root) == _run(bout, build.root)


def test_ld_run_path_not_with_rpath_link(build):
    """LD_RUN_PATH is searched only without -rpath-link and -rpath: here libb.so stays missing."""
    bp, tp = compare(build, "ldrunpath", [NA, C, "m1.o", "-Lmiss", "-la", "-Wl,-rpath-link,/nonexistent"],
                     env_extra={"LD_RUN_PATH": str(build.root)}, ok=False)
    assert _diags(tp.stderr)[:2] == _diags(bp.stderr)[:2] == [
        "warning: libb.so, needed by miss/liba.so, not found (try using -rpath or -rpath-link)"] * 2


def test_cross_linker_ignores_ld_library_path(build):
    """aarch64's ld.bfd here is a cross linker: LD_LIBRARY_PATH is not searched (DT_RUNPATH is)."""
    r = build.root
    (r / "a64" / "b").mkdir(parents=True, exist_ok=True)
    cc = "aarch64-linux-gnu-gcc"
    build.run([cc, "-fPIC", "-shared", "-nostdlib", "-Wl,-soname,libb.so", "-o", "a64/b/libb.so", "b.c"])
    build.run([cc, "-fPIC", "-shared", "-nostdlib", "-Wl,-soname,liba.so", "-o", "a64/liba.so", "a.c",
               "-La64/b", "-lb"])
    build.run([cc, "-c", "m1.c", "-o", "a64/m1.o"])
    env = {"LD_LIBRARY_PATH": str(r / "a64" / "b")}
    res = []
    for linker in ("bfd", "braze"):
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{build.lddir}/"]
        res.append(build.run([cc, *ld, C, "a64/m1.o", "-La64", "-la", "-o", f"{linker}/a64.out"],
                             env=tool_env(env), check=False))
    bp, tp = res
    assert bp.returncode == tp.returncode == 1, bp.stderr + tp.stderr
    assert _diags(tp.stderr)[:2] == _diags(bp.stderr)[:2] == [
        "warning: libb.so, needed by a64/liba.so, not found (try using -rpath or -rpath-link)"] * 2
