"""Start-up of small links (issue 11): a plain gcc-driven link imports only what it needs.

Every gcc link pays for braze's imports before any work starts, so the modules that only some options
need (explain.py for --why-extract/--cref, plugin.py for an LTO input, the SECTIONS parser and layout
engine, the aarch64 back end, the Python API's model, --version's texts...) must not be imported by a
link that does not use them, and neither may the heavy standard-library modules braze avoids on
purpose (re, typing, enum, dataclasses, ctypes, hashlib...).

gcc runs the linker under test through a copy of its shim that writes the names in sys.modules to a
file when the process ends. Each link is also made by ld.bfd, and the
programs are run and compared (stdout, exit status); the shared library's exported symbols are
compared with bfd's.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO, BuildDir, RUN_TIMEOUT, run_env

SRC = Path(__file__).resolve().parent / "c"

# braze modules a plain executable / shared-library link must not import
HEAVY_BRAZE = {
    "braze.explain", "braze.plugin", "braze.scriptlayout", "braze.inputs.ldscript", "braze.defaultscript",
    "braze.version", "braze.model", "braze.api", "braze.sizemap", "braze.reproduce", "braze.server",
    "braze.zstd", "braze.dwarfline", "braze.relocatable", "braze.relscript", "braze.emitrelocs",
    "braze.mapfile", "braze.memusage", "braze.trace", "braze.rustdemangle", "braze.justsyms",
    "braze.binaryinput", "braze.arch.aarch64", "braze.arch.aarch64_veneers",
}
# standard-library modules braze keeps out of a plain link (each costs more than a small link's pass)
HEAVY_STDLIB = {
    "re", "typing", "enum", "dataclasses", "collections", "functools", "hashlib", "ctypes", "zlib",
    "inspect", "ast", "tempfile", "subprocess", "json", "textwrap", "shlex", "threading", "socket",
    "selectors", "pathlib", "fnmatch", "traceback", "importlib.util", "copy", "weakref", "tokenize",
    "linecache", "contextlib", "datetime", "locale", "signal",
    "operator", "bisect",       # (their C halves _operator, _bisect are what braze uses)
    "os", "_collections_abc",   # (braze._os: the part of os a link uses, from posix)
    "struct", "stat",           # (_struct; writer.py tests st_mode itself)
    "importlib", "warnings",    # (mypyc's runtime gets what it needs from braze/__init__.py's _load_compiled)
}


def _launcher(lddir: str) -> tuple[list[str], str]:
    """The interpreter command the shim runs and the launcher's code: `ld` is either the launcher itself
    (`#!PYTHON -ES`) or a /bin/sh script (`exec PYTHON -E -S LAUNCH.py --argv0=ld "$@"`); an equivalent
    pair when the linker under test is not braze's shim."""
    text = Path(lddir, "ld").read_text()
    first, _, rest = text.partition("\n")
    if first.startswith("#!") and first.endswith(" -ES") and "python" in first:
        return [first[2:-4], "-E", "-S"], rest
    m = re.search(r"^exec (.*) --argv0=ld \"\$@\"$", text, re.M)
    if m:
        words = shlex.split(m.group(1))
        if len(words) == 4 and words[1:3] == ["-E", "-S"]:
            return words[:3], Path(words[3]).read_text()
    code = f"import sys\nsys.path.insert(0, {str(REPO / 'src')!r})\nfrom braze.main import main\nsys.exit(main())\n"
    return [sys.executable, "-E", "-S"], code


# Runs the shim's launcher and, however the process ends (braze ends a link with posix._exit, which its
# _os module takes when imported), writes the names in sys.modules to the file named by argv[1].
_RECORDER = """import posix, sys
_log = sys.argv.pop(1)
_exit = posix._exit
def _write():
    with open(_log, "w") as f:
        f.write("\\n".join(sorted(sys.modules)))
def _recording_exit(status):
    _write()
    _exit(status)
posix._exit = _recording_exit
try:
    exec(compile({code!r}, "launch.py", "exec"), {{"__name__": "__main__"}})
finally:
    _write()
"""


class Build(BuildDir):
    def __init__(self, root: Path, lddir: str):
        super().__init__(root, lddir)
        self.log = root / "modules.log"
        wrap = root / "wrap"
        wrap.mkdir(exist_ok=True)
        cmd, code = _launcher(lddir)
        (wrap / "recorder.py").write_text(_RECORDER.format(code=code))
        script = shlex.join([*cmd, str(wrap / "recorder.py"), str(self.log)])
        (wrap / "ld").write_text(f'#!/bin/sh\nexec {script} --argv0=ld "$@"\n')
        (wrap / "ld").chmod(0o755)
        self.wrap = str(wrap)
        self.run(["gcc", "-c", "-O2", "-fPIE", SRC / "startup_main.c", "-o", "main.o"])
        self.run(["gcc", "-c", "-O2", "-fPIC", SRC / "startup_lib.c", "-o", "lib.o"])

    def modules(self) -> set[str]:
        mods = set(self.log.read_text().split())
        assert "braze.main" in mods and "braze.cli" in mods, f"no braze run recorded: {sorted(mods)}"
        return mods

    def imports(self, args: list[str], out: str) -> set[str]:
        """Link with braze through gcc (the recording shim): the modules the link imported."""
        self.log.write_text("")
        p = self.run(["gcc", f"-B{self.wrap}/", *args, "-o", out], check=False)
        assert p.returncode == 0, f"braze link failed:\n{p.stdout}{p.stderr}"
        mods = self.modules()
        assert "braze.resolve" in mods and "braze.writer" in mods, f"no link recorded: {sorted(mods)}"
        return mods

    def bfd(self, args: list[str], out: str) -> None:
        self.run(["gcc", "-fuse-ld=bfd", *args, "-o", out])

    def execute(self, exe: str):
        p = subprocess.run([str(self.root / exe), "a", "b"], cwd=self.root, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT, env=run_env(self.root, {"LD_LIBRARY_PATH": str(self.root)}))
        return p.returncode, p.stdout


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir) -> Build:
    return Build(tmp_path_factory.mktemp("startup"), braze_lddir)


def _heavy_stdlib() -> set[str]:
    """HEAVY_STDLIB, less importlib.util and what it imports when braze runs (some of) its compiled
    modules from their sources (BRAZE_PURE=1, or a stale build): its import hook needs them then."""
    from braze import _stale_compiled
    if not _stale_compiled():
        return HEAVY_STDLIB
    p = subprocess.run([sys.executable, "-E", "-S", "-c", "import sys, importlib.util; print(*sys.modules)"],
                       capture_output=True, text=True, check=True)
    return HEAVY_STDLIB - set(p.stdout.split())


def _check_light(mods: set[str]) -> None:
    assert not mods & HEAVY_BRAZE, f"a plain link imported {sorted(mods & HEAVY_BRAZE)}"
    assert not mods & _heavy_stdlib(), f"a plain link imported {sorted(mods & _heavy_stdlib())}"


@pytest.mark.parametrize("mode", ["pie", "nopie", "static"])
def test_executable_link_imports_only_what_it_needs(build, mode):
    flags = {"pie": ["-pie"], "nopie": ["-no-pie"], "static": ["-static"]}[mode]
    args = [*flags, "main.o", "lib.o"]
    mods = build.imports(args, f"braze-{mode}")
    build.bfd(args, f"bfd-{mode}")
    _check_light(mods)
    if mode == "static":    # nothing of dynamic linking: no library reader, .dynsym or .dynamic
        dynamic_only = {"braze.inputs.shared", "braze.inputs.script", "braze.dsocheck",
                        "braze.synthetic.dynsym", "braze.synthetic.dynamic"}
        assert not mods & dynamic_only, sorted(mods & dynamic_only)
    got, want = build.execute(f"braze-{mode}"), build.execute(f"bfd-{mode}")
    assert got == want == (3, "startup 22\n")


def _exports(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                         check=True).stdout
    rows = [ln.split() for ln in out.splitlines() if re.match(r"\s*\d+:", ln)]
    return {(r[7], r[3], r[4], r[6] != "UND") for r in rows if len(r) >= 8}


def test_shared_link_imports_only_what_it_needs(build):
    mods = build.imports(["-shared", "lib.o"], "libbraze.so")
    build.bfd(["-shared", "lib.o"], "libbfd.so")
    _check_light(mods)
    assert _exports(build.root / "libbraze.so") == _exports(build.root / "libbfd.so")
    # and a program using it behaves as with bfd's library
    build.bfd(["main.o", "-L.", "-lbraze", "-Wl,-rpath," + str(build.root)], "use-braze")
    build.bfd(["main.o", "-L.", "-lbfd", "-Wl,-rpath," + str(build.root)], "use-bfd")
    assert build.execute("use-braze") == build.execute("use-bfd") == (3, "startup 22\n")


def test_plugin_module_still_loads_for_lto(build):
    """The other side of the lazy plugin host: an LTO object still reaches gcc's plugin (the IR is
    claimed and compiled), with the same behaviour as bfd's link."""
    build.run(["gcc", "-c", "-O2", "-flto", "-fPIE", SRC / "startup_lib.c", "-o", "lib-lto.o"])
    mods = build.imports(["main.o", "lib-lto.o"], "braze-lto")
    build.bfd(["main.o", "lib-lto.o"], "bfd-lto")
    assert "braze.plugin" in mods
    assert build.execute("braze-lto") == build.execute("bfd-lto") == (3, "startup 22\n")


def test_version_is_light(build):
    """`ld --version` / `ld -v` (configure scripts and libtool run them) print a first line saying GNU,
    as bfd's does, without importing the link pipeline's passes."""
    for opt in ("--version", "-v"):
        build.log.write_text("")
        p = subprocess.run([str(Path(build.wrap, "ld")), opt], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        bfd = subprocess.run(["ld.bfd", opt], capture_output=True, text=True, timeout=60)
        assert bfd.returncode == 0
        assert "GNU" in p.stdout.splitlines()[0] and "GNU" in bfd.stdout.splitlines()[0]
        mods = build.modules()
        pipeline = {"braze.passes", "braze.resolve", "braze.writer", "braze.layout", "braze.context"}
        assert not mods & (HEAVY_BRAZE - {"braze.arch.aarch64"} | _heavy_stdlib() | pipeline), sorted(mods)


def _make_shim(root: Path, python: str) -> Path:
    """`braze shim-dir` run by `python` (braze from this tree) with its cache under root: the shim's
    directory."""
    code = (f"import sys; sys.path.insert(0, {str(REPO / 'src')!r}); "
            "from braze.main import shim_dir; print(shim_dir())")
    p = subprocess.run([python, "-E", "-S", "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "XDG_CACHE_HOME": str(root / "cache")}, check=True)
    return Path(p.stdout.strip())


@pytest.mark.parametrize("where", ["plain", "blank", "long"])
def test_shim_runs_python_directly(build, tmp_path, where):
    """The shim's `ld` is the launcher itself, run by a `#!PYTHON -ES` line (no /bin/sh exec first);
    where the kernel cannot take that line (a blank in the interpreter's path, a line past 127 bytes)
    it is the /bin/sh script running launch.py.  Either way gcc links through it as through bfd."""
    if where == "plain":
        python = sys.executable
    else:
        d = tmp_path / ("py dir" if where == "blank" else "p" * 130)
        d.mkdir()
        (d / "python3").symlink_to(os.path.realpath(sys.executable))
        python = str(d / "python3")
    lddir = _make_shim(tmp_path, python)
    first = Path(lddir, "ld").read_text().partition("\n")[0]
    if where == "plain" and len(python) < 120 and not any(c.isspace() for c in python):
        assert first == f"#!{python} -ES"
        assert not Path(lddir, "launch.py").exists()
    else:
        assert first == "#!/bin/sh" and Path(lddir, "launch.py").exists()
    args = ["main.o", "lib.o"]
    out = f"braze-shim-{where}"
    p = build.run(["gcc", f"-B{lddir}/", *args, "-o", out], check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    build.bfd(args, f"bfd-shim-{where}")
    assert build.execute(out) == build.execute(f"bfd-shim-{where}") == (3, "startup 22\n")
    # and it is `ld`, not the `braze` command: `ld shim-dir` names an input file, as for bfd
    for cmd in ([str(Path(lddir, "ld")), "shim-dir"], ["ld.bfd", "shim-dir"]):
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert p.returncode == 1 and "shim-dir: No such file or directory" in p.stderr, p.stderr
        assert p.stdout == ""


def test_startup_bytecode_file_yields_to_edited_sources(build, tmp_path):
    """braze/_startup.bin (tools/build_startup.py) serves the start-up modules' bytecode only while
    each source is the one it was made from: in a copy of the tree (mtimes kept) where one module's
    source is edited, that module runs as edited and the others still come from the file; a gcc link
    through that copy behaves as bfd's."""
    src = REPO / "src"
    if not (src / "braze" / "_startup.bin").exists():
        subprocess.run([sys.executable, str(REPO / "tools" / "build_startup.py")], check=True, timeout=120)
    copy = tmp_path / "src"
    shutil.copytree(src, copy, symlinks=True)       # copy2: sizes and mtimes as recorded
    with open(copy / "braze" / "elf.py", "a") as f:
        f.write("\nSTARTUP_PROBE = 1\n")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import braze.elf, braze.resolve, warnings; "
            "print(getattr(braze.elf, 'STARTUP_PROBE', 0), type(braze.elf.__loader__).__name__, "
            "type(braze.resolve.__loader__).__name__, braze.resolve.__file__, "
            "type(warnings.__loader__).__name__, warnings.__file__, callable(warnings.warn)); "
            "import braze.synthetic as s; print(braze.resolve.__cached__, s.__file__, s.__path__[0], "
            "s.__spec__.submodule_search_locations[0])")
    p = subprocess.run([sys.executable, "-E", "-S", "-c", code, str(copy)], capture_output=True, text=True,
                       timeout=120, check=True)
    line1, line2 = p.stdout.splitlines()
    probe, elf_loader, resolve_loader, resolve_file, warn_loader, warn_file, ok = line1.split()
    served = "SourceFileLoader" if os.environ.get("BRAZE_PURE") else "_StartupFinder"
    assert (probe, elf_loader) == ("1", "SourceFileLoader")
    assert resolve_loader == served
    assert resolve_file == str(copy / "braze" / "resolve.py")
    # a served module's __cached__ is the file it came from; a served package has its __path__
    cached, pkg_file, pkg_path, spec_path = line2.split()
    if served == "_StartupFinder":
        assert cached == str(copy / "braze" / "_startup.bin")
    assert pkg_file == str(copy / "braze" / "synthetic" / "__init__.py")
    assert pkg_path == spec_path == str(copy / "braze" / "synthetic")
    # the standard library's start-up modules too (mypyc's runtime imports importlib, then warnings),
    # from their own sources' paths
    import warnings
    assert (warn_loader, warn_file, ok) == (served, warnings.__file__, "True")
    lddir = tmp_path / "lddir"
    lddir.mkdir()
    (lddir / "ld").write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -E -S -c "
                              f"{shlex.quote(f'import sys; sys.path[0] = {str(copy)!r}; from braze.main import main; sys.exit(main())')}"
                              " \"$@\"\n")
    (lddir / "ld").chmod(0o755)
    args = ["main.o", "lib.o"]
    p = build.run(["gcc", f"-B{lddir}/", *args, "-o", "braze-edited"], check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    build.bfd(args, "bfd-edited")
    assert build.execute("braze-edited") == build.execute("bfd-edited") == (3, "startup 22\n")


@pytest.mark.parametrize("linker", ["braze", "bfd"])
def test_existing_output_is_replaced_as_bfd_does(build, linker):
    """The old output is unlinked before the new one takes its name (bfd unlinks it too; a rename
    over it made ext4 flush the new file inside the rename): a hard link to the old file keeps the
    old program, a symbolic link at the output's name becomes the new regular file and its target is
    left alone -- for braze as for bfd (both linkers' results are checked the same way)."""
    d = build.root / f"replace-{linker}"
    d.mkdir(exist_ok=True)
    old = d / "old"
    old.write_bytes(b"#!/bin/sh\nexit 7\n")
    old.chmod(0o755)
    out, keep, target, sym = d / "prog", d / "keep", d / "target", d / "sym"
    for p in (out, keep, target, sym):
        if p.exists() or p.is_symlink():
            p.unlink()
    os.link(old, out)
    os.link(old, keep)
    target.write_bytes(b"target")
    sym.symlink_to(target)
    flags = [f"-B{build.wrap}/"] if linker == "braze" else ["-fuse-ld=bfd"]
    for o in (out, sym):
        p = build.run(["gcc", *flags, "main.o", "lib.o", "-o", str(o)], check=False)
        assert p.returncode == 0, p.stdout + p.stderr
        assert not o.is_symlink() and o.stat().st_nlink == 1
        assert build.execute(str(o.relative_to(build.root))) == (3, "startup 22\n")
    assert keep.read_bytes() == b"#!/bin/sh\nexit 7\n" and keep.stat().st_nlink == 2
    assert target.read_bytes() == b"target"


def test_startup_bytecode_drops_docstrings_keeps_asserts():
    """The file's bytecode is the sources' less their docstrings, asserts kept (braze reads no
    __doc__; an assert is a check it must still make): synthetic/dynsym.py's, as served, has no
    docstring anywhere and raises AssertionError where its source asserts."""
    src = REPO / "src" / "braze"
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import build_startup
    finally:
        sys.path.pop(0)
    if not build_startup.current():
        pytest.skip("_startup.bin is not current (make venv builds it)")
    data = (src / "_startup.bin").read_bytes()
    rel, _, _, _, off, n = build_startup.read_index(data)["braze.synthetic.dynsym"]
    import marshal
    import dis
    code = marshal.loads(data[off:off + n])
    plain = compile((src / rel).read_text(), str(src / rel), "exec")

    def codes(c):
        yield c
        for k in c.co_consts:
            if isinstance(k, type(c)):
                yield from codes(k)

    docs = [c for c in codes(plain) if c.co_consts and isinstance(c.co_consts[0], str)
            and c.co_consts[0].strip() and "\n" in c.co_consts[0]]
    assert docs, "dynsym.py has docstrings to drop"
    served = list(codes(code))
    assert all(not (c.co_consts and isinstance(c.co_consts[0], str) and "\n" in c.co_consts[0]
                    and c.co_consts[0] == p.co_consts[0]) for c, p in zip(served, codes(plain)))

    def asserts(c):
        return sum(i.opname == "LOAD_ASSERTION_ERROR" for x in codes(c) for i in dis.get_instructions(x))
    assert asserts(code) == asserts(plain) > 0

    # `from __future__ import annotations` is a compiler flag in the served code, not an import
    import __future__

    def imports(c):
        return {i.argval for i in dis.get_instructions(c) if i.opname == "IMPORT_NAME"}
    assert "__future__" in imports(plain) and "__future__" not in imports(code)
    flag = __future__.annotations.compiler_flag
    assert all(c.co_flags & flag for c in served) and all(c.co_flags & flag for c in codes(plain))
