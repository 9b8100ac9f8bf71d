"""braze's mypyc build (tools/build_mypyc.py).

The compiled modules must type-check (mypyc compiles what mypy accepts, and a wrong annotation is a
TypeError at run time in compiled code), the build must really be what a link runs, BRAZE_PURE=1
and a stale build must run the .py sources, and compiled and pure braze must write the same bytes,
whose programs behave as ld.bfd's.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness import REPO, get_case, link_command, do_link, run_program, tool_env

SRC = REPO / "src"
TOOLS = REPO / "tools"
sys.path.insert(0, str(TOOLS))
import build_mypyc                                    # noqa: E402

# programs whose links go through the compiled paths: PLT/GOT, TLS relaxations, IFUNC, merged strings,
# copy relocations, .eh_frame, static and PIE outputs
CASES = [("plt_unwind", "pie"), ("tls_models", "pie"), ("tls_models_exec", "nopie"), ("tls_gnu2", "pie"),
         ("ifunc", "pie"), ("string_merge", "pie"), ("copy_reloc", "nopie"), ("funcptr_table", "static"),
         ("mcmodel_medium", "nopie"), ("gc_sections", "static-pie")]


def _env(pure: bool) -> dict[str, str]:
    env = tool_env()
    env.pop("BRAZE_PURE", None)
    if pure:
        env["BRAZE_PURE"] = "1"
    return env


def _loaded_from(src: Path, pure: bool) -> dict[str, str]:
    """module -> file it was loaded from, in a fresh interpreter importing braze from `src`."""
    code = ("import sys, importlib; sys.path.insert(0, sys.argv[1]); import braze\n"
            "for m in sys.argv[2:]: print(m, importlib.import_module(m).__file__)")
    p = subprocess.run([sys.executable, "-E", "-S", "-c", code, str(src), *build_mypyc.modules_names()],
                       capture_output=True, text=True, env=_env(pure), timeout=60)
    assert p.returncode == 0, p.stderr
    return dict(line.split(" ", 1) for line in p.stdout.splitlines())


def test_compiled_modules_pass_mypy():
    """The compiled modules type-check; the interpreted modules they import inform their types (mypyc
    compiles against them) without their own errors counting, as in the build."""
    mods = build_mypyc.modules()
    p = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(REPO / "build" / "mypy-cache"),
                        "--follow-imports=silent", *mods],
                       cwd=SRC, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr


def test_compiled_modules_have_no_lambdas():
    """mypyc makes every lambda a class of its own, created when its module loads (~25,000
    instructions each, on every link's start-up): compiled modules sort by precomputed keys instead."""
    import ast
    found = [f"{m}:{node.lineno}" for m in build_mypyc.modules()
             for node in ast.walk(ast.parse((SRC / m).read_text())) if isinstance(node, ast.Lambda)]
    assert not found, f"lambda in compiled modules: {found}"


def test_build_is_current_and_used():
    """`make venv`/`make test` built the extensions from these very sources, and a link imports them."""
    assert build_mypyc.current(), "the mypyc build is missing or stale: run `make compiled`"
    files = _loaded_from(SRC, pure=False)
    assert sorted(files) == sorted(build_mypyc.modules_names())
    for m, f in files.items():
        assert f.endswith(".so"), f"{m} was imported from {f}, not from its compiled extension"


def test_pure_runs_sources():
    for m, f in _loaded_from(SRC, pure=True).items():
        assert f.endswith(".py"), f"BRAZE_PURE=1 imported {m} from {f}"


def test_interrupted_build_runs_sources(tmp_path):
    """Extensions present but the record still says "not built" (a build that stopped half-way)."""
    assert build_mypyc.current(), "the mypyc build is missing or stale: run `make compiled`"
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (copy / "braze" / "_compiled.txt").write_text("".join(f"{m} -1 -1\n" for m in build_mypyc.MODULES))
    files = _loaded_from(copy, pure=False)
    assert all(f.endswith(".py") for f in files.values()), files


def test_stale_build_runs_sources(tmp_path):
    """A compiled module's source edited after the build: braze must run the source, not the stale
    extension (correct output, only slower), until the next build."""
    assert build_mypyc.current(), "the mypyc build is missing or stale: run `make compiled`"
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    first = build_mypyc.modules()[0]
    files = _loaded_from(copy, pure=False)
    assert all(f.endswith(".so") for f in files.values()), files     # the copy kept sizes and mtimes
    src = copy / first
    st = src.stat()
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    files = _loaded_from(copy, pure=False)
    assert all(f.endswith(".py") for f in files.values()), files


def _link(store, case, mode, label, pure):
    objdir = harness.compile_case(store, case, mode)
    d = store.dir(f"mypyc-{case.name}-{mode}-{label}")
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    out = d / "prog"
    linker = "bfd" if label == "bfd" else label
    res = do_link(link_command(case, mode, objdir, linker, out), d, out, env=_env(pure))
    assert res.ok, res.describe(label)
    return d, out


@pytest.mark.parametrize("name,mode", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_compiled_and_pure_outputs_identical(store, braze_lddir, name, mode):
    if os.environ.get("BRAZE_PURE"):
        pytest.fail("run this module without BRAZE_PURE: it sets the mode of each link itself")
    case = get_case(name)
    dc, comp = _link(store, case, mode, braze_lddir, pure=False)
    dp, pure = _link(store, case, mode, braze_lddir, pure=True)
    assert comp.read_bytes() == pure.read_bytes(), f"{name} ({mode}): compiled and pure braze differ"
    db, bfd = _link(store, case, mode, "bfd", pure=False)
    rb = run_program(str(bfd), case, db / "run")
    rc = run_program(str(comp), case, dc / "run")
    assert (rc.returncode, rc.stdout) == (rb.returncode, rb.stdout), rc.describe("braze") + rb.describe("bfd")


def _patch_reloc_symbol(obj: Path, section: str, index: int) -> None:
    """Point the first relocation of `section` (a SHT_RELA section) at symbol `index`."""
    import struct
    data = bytearray(obj.read_bytes())
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = shdrs[shstrndx][4]
    for sh in shdrs:
        name = data[strtab_off + sh[0]:data.index(0, strtab_off + sh[0])].decode()
        if name == section:
            info, = struct.unpack_from("<Q", data, sh[4] + 8)
            struct.pack_into("<Q", data, sh[4] + 8, (index << 32) | (info & 0xffffffff))
            obj.write_bytes(bytes(data))
            return
    raise AssertionError(f"{obj} has no {section}")


def test_corrupt_relocation_error_same_when_compiled(tmp_path, direct_ld):
    """A relocation in a non-allocated section (never scanned) naming a symbol index beyond the symbol
    table reaches apply_relocs, which must name it, compiled or not (it used to read the interpreter
    frame's locals, which compiled code does not have)."""
    src = tmp_path / "a.s"
    src.write_text(".globl _start\n.text\n_start:\n  ret\n"
                   ".section .mynote,\"\",@progbits\n  .quad _start\n")
    obj = tmp_path / "a.o"
    subprocess.run(["gcc", "-c", str(src), "-o", str(obj)], check=True, env=tool_env())
    _patch_reloc_symbol(obj, ".rela.mynote", 999)
    bfd = subprocess.run(["ld.bfd", "-o", str(tmp_path / "b.out"), str(obj)], capture_output=True, text=True)
    assert bfd.returncode != 0, bfd.stderr
    out = {}
    for pure in (False, True):
        p = subprocess.run([*direct_ld, "-o", str(tmp_path / "a.out"), str(obj)], capture_output=True,
                           text=True, env=_env(pure), timeout=60)
        out[pure] = (p.returncode, p.stderr)
        assert not (tmp_path / "a.out").exists()
    assert out[False] == out[True]
    assert out[False][0] == 1 and "symbol index 999 beyond the symbol table" in out[False][1], out[False]


_HOT_C = r'''
#include <stddef.h>
#define BRACES { ; }
/* a comment with a brace { and a definition-looking  int fake(void) { */
static const char *s = "quote \" and { brace ; }";
static const char c = '{';
struct pair { int a; int b; };
static struct pair table[] = { {1, 2}, {3, 4} };
int proto(int x);
int hot_plain(int x) { if (x) { return 1; } return table[0].a; }
static int
hot_split(int x)
{
    return x + (s[0] == c);   // a } in a comment
}
int (*keep)(int) = hot_split;
const char *hot_pointer(void) { return s; }
int cold_one(int x) { return x * 3; }
int proto(int x) { return x - 1; }
'''


def test_mark_hot_places_listed_definitions(tmp_path):
    """build_mypyc.mark_hot marks exactly the listed functions' definitions (not prototypes, not
    initializers, nothing inside strings or comments), and GCC places them in .text.hot."""
    c = tmp_path / "t.c"
    c.write_text(_HOT_C)
    names = frozenset({"hot_plain", "hot_split", "hot_pointer", "proto", "table", "fake", "absent"})
    assert build_mypyc.mark_hot(str(c), names) == 4
    text = c.read_text()
    assert text.count("__attribute__((hot))") == 4
    assert "int proto(int x);" in text          # the prototype is left alone
    assert "__attribute__((hot)) static int\nhot_split" in text
    obj = tmp_path / "t.o"
    subprocess.run(["gcc", "-O2", "-c", str(c), "-o", str(obj)], check=True)
    p = subprocess.run(["readelf", "-W", "-s", "-S", str(obj)], capture_output=True, text=True, check=True)
    secs = {}
    for line in p.stdout.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 2 and parts[0].startswith("[") and parts[0].endswith("]"):
            secs[parts[0].strip("[]")] = parts[1]
    where = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 8 and parts[3] == "FUNC":
            where[parts[7]] = secs.get(parts[6])
    assert where == {"hot_plain": ".text.hot", "hot_split": ".text.hot", "hot_pointer": ".text.hot",
                     "proto": ".text.hot", "cold_one": ".text"}, where


def test_build_marks_the_hot_list():
    """The build applied tools/hot_functions.txt: most listed functions are defined in the generated C
    and marked (the rest are mypyc's runtime, included from its own files).  A list gone stale
    (functions renamed) shows here before it shows as peak RSS."""
    native = REPO / "build" / "mypyc" / "c" / f"__native_{build_mypyc.GROUP}.c"
    if not native.exists() or not build_mypyc.current():
        pytest.skip("no current compiled build")
    listed = build_mypyc._hot_names()
    assert len(listed) > 300
    marked = native.read_text().count("__attribute__((hot))")
    assert marked >= 0.75 * len(listed), (marked, len(listed))
