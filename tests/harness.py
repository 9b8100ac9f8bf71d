"""Compile / link / run helpers shared by the test modules.

Objects and links are cached for the whole pytest run in a directory shared by the xdist workers
(keyed by case + mode, and by linker for links), guarded by file locks, so each program is
compiled once and each (case, mode, linker) link happens once even with ``pytest -n 2``.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from programs import BY_NAME, Case, object_mode

REPO = Path(__file__).resolve().parent.parent

RUN_TIMEOUT = 20
LINK_TIMEOUT = 300          # braze is written in Python: be generous
COMPILE_TIMEOUT = 120

MODE_CFLAGS = {"pie": ["-fPIE"], "nopie": ["-fno-pie"], "static": ["-fno-pie"],
               "static-pie": ["-fPIE"], "musl-static": []}
MODE_LDFLAGS = {"pie": ["-pie"], "nopie": ["-no-pie"], "static": ["-static"],
                "static-pie": ["-static-pie"], "musl-static": ["-static"],
                "pie-static-libstdcxx": ["-pie", "-static-libstdc++", "-static-libgcc"],
                "nopie-static-libstdcxx": ["-no-pie", "-static-libstdc++", "-static-libgcc"]}
# Modes whose C objects are compiled and linked by another driver (musl's gcc wrapper, which uses
# musl's headers, crt files and libc.a, and passes -dynamic-linker even with -static).
MODE_CC = {"musl-static": "musl-gcc"}
BASE_CFLAGS = ["-O2", "-fdiagnostics-color=never"]

# Variables that would make gcc pick another linker or other libraries.
_SCRUB = ("COMPILER_PATH", "GCC_EXEC_PREFIX", "LIBRARY_PATH", "CPATH", "C_INCLUDE_PATH",
          "CPLUS_INCLUDE_PATH", "LD_LIBRARY_PATH", "LD_PRELOAD", "GCC_COMPARE_DEBUG",
          "SOURCE_DATE_EPOCH")


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    if extra:
        env.update(extra)
    return env


def link_in(srcdir: Path, lddir: str | None, name: str, args) -> Path:
    """gcc ARGS -o srcdir/{bfd,test}/NAME, run in srcdir with ld.bfd (lddir None) or the linker in
    lddir: the same file name for both (a version or soname named after it stays equal)."""
    d = srcdir / ("bfd" if lddir is None else "test")
    d.mkdir(exist_ok=True)
    out = d / name
    cmd = ["gcc", *([f"-B{lddir}/"] if lddir else []), *args, "-o", str(out)]
    p = subprocess.run(cmd, cwd=srcdir, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, f"{cmd}: {p.stderr}"
    return out


def run_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "HOME": str(home),
           "TMPDIR": str(home), "TZ": "UTC"}
    env.update(extra)
    return env


def run_cmd(cmd, cwd, check=True, timeout=300):
    """Run a tool (paths allowed in cmd) with the tests' environment; with check, fail the test on a
    non-zero status, showing the command and its output."""
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    if check:
        assert p.returncode == 0, f"$ {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}"
    return p


def need_tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"required tool `{name}` is not installed (see Makefile APT_PKGS)"
    return path


def braze_command() -> list[str]:
    """How to run the braze console script directly (ld-style arguments follow)."""
    script = Path(sys.executable).parent / "braze"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "braze"]


def sh(cmd: list[str]) -> str:
    return shlex.join(str(c) for c in cmd)


class BuildDir:
    """One scratch directory where a test module compiles its sources and links them with ld.bfd
    ('bfd') or the linker under test ('test'); modules add their own obj()/link() on top."""

    def __init__(self, root: Path, lddir: str):
        self.root = root
        self.lddir = lddir
        root.mkdir(parents=True, exist_ok=True)

    def ld(self, linker: str) -> list[str]:
        """gcc flags that select the linker."""
        return ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{self.lddir}/"]

    def run(self, cmd, cwd=None, check=True, env=None):
        p = subprocess.run([str(c) for c in cmd], cwd=cwd or self.root, env=env or tool_env(),
                           capture_output=True, text=True, errors="replace", timeout=300)
        if check:
            assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
        return p


# --------------------------------------------------------------------------- shared cache

class Store:
    """A directory of build products shared across xdist workers of one pytest run."""

    def __init__(self, root: Path):
        self.root = root
        (root / ".locks").mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def locked(self, key: str):
        lock = self.root / ".locks" / (hashlib.sha1(key.encode()).hexdigest()[:16] + ".lock")
        with open(lock, "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def dir(self, key: str) -> Path:
        return self.root / re.sub(r"[^A-Za-z0-9_.-]", "_", key)


def _check_call(cmd: list, cwd: Path, what: str, env=None, timeout=COMPILE_TIMEOUT) -> None:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or tool_env(), capture_output=True,
                       text=True, timeout=timeout)
    assert p.returncode == 0, (f"harness: {what} failed (exit {p.returncode})\n$ {sh(cmd)}\n"
                               f"{p.stdout}{p.stderr}")


def compiler_for(case: Case, mode: str = "pie") -> str:
    if case.lang == "c++":
        assert mode not in MODE_CC, f"harness: C++ case {case.name} cannot use mode {mode}"
        return "g++"
    return MODE_CC.get(mode, "gcc")


def compile_case(store: Store, case: Case, mode: str) -> Path:
    """Compile a case's objects, build its archives and shared libraries (once per run);
    return the directory holding them."""
    mode = object_mode(mode)
    key = f"obj-{case.name}-{mode}"
    d = store.dir(key)
    with store.locked(key):
        if (d / ".ok").exists():
            return d
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for src in case.sources:
            cc = "g++" if src.suffix == ".cc" else MODE_CC.get(mode, "gcc")
            cmd = [cc, "-c", *MODE_CFLAGS[mode], *BASE_CFLAGS, *case.cflags,
                   *(["-pthread"] if case.threads else []),
                   *case.src_cflags.get(src.stem, ()), f"-I{case.include_dir}",
                   str(src), "-o", f"{src.stem}.o"]
            _check_call(cmd, d, f"compiling {src.name} for case {case.name}")
        for stem, needles in case.obj_expect.items():
            obj = d / f"{stem}.o"
            assert obj.exists(), f"harness: obj_expect names unknown object {stem}.o"
            text = subprocess.run(["readelf", "-W", "-S", "-r", "-s", "-g", str(obj)],
                                  capture_output=True, text=True, env=tool_env()).stdout
            for n in needles:
                assert n in text, (f"harness self-check: {stem}.o of case {case.name} ({mode}) "
                                   f"lacks {n!r}; the case no longer exercises what it claims")
        for ar in case.archives:
            flags = "rcsT" if ar.thin else "rcs"
            _check_call(["ar", flags, ar.name, *[f"{m}.o" for m in ar.members]], d,
                        f"building {ar.name} for case {case.name}")
        for lib in case.shlibs:
            _check_call([compiler_for(case), "-fuse-ld=bfd", "-shared", *(["-pthread"] if case.threads else []),
                         *([f"-Wl,-soname,{lib.name}"] if lib.soname else []),
                         "-o", lib.name, *[f"{m}.o" for m in lib.members],
                         *([*lib.needs, "-Wl,-rpath,$ORIGIN"] if lib.needs else [])], d,
                        f"building {lib.name} (with ld.bfd) for case {case.name}")
        (d / ".ok").write_text("")
    return d


def link_inputs(case: Case, objdir: Path) -> list[str]:
    if case.link is not None:
        out = []
        for tok in case.link:
            if tok.endswith((".o", ".a", ".so")):
                p = objdir / tok
                assert p.exists(), f"harness: case {case.name}: link names missing input {tok}"
                out.append(str(p))
            else:
                out.append(tok)
        return out
    archived = case.archived_stems()
    objs = [str(objdir / f"{s.stem}.o") for s in case.sources if s.stem not in archived]
    return (objs + [str(objdir / a.name) for a in case.archives]
            + [str(objdir / l.name) for l in case.shlibs])


@dataclass
class LinkResult:
    cmd: list[str]
    returncode: int
    stdout: str
    stderr: str
    exe: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and Path(self.exe).is_file()

    def describe(self, label: str) -> str:
        return (f"--- {label} link (exit {self.returncode}) ---\n$ {sh(self.cmd)}\n"
                f"{_clip(self.stdout)}{_clip(self.stderr)}")


def linker_flags(linker: str) -> list[str]:
    """``bfd`` for the reference, otherwise a directory whose ``ld`` is the linker under test."""
    if linker == "bfd":
        return ["-fuse-ld=bfd"]
    return [f"-B{linker.rstrip('/')}/"]


def link_command(case: Case, mode: str, objdir: Path, linker: str, out: Path,
                 extra: tuple[str, ...] = ()) -> list[str]:
    return [compiler_for(case, mode), *linker_flags(linker), *MODE_LDFLAGS[mode],
            *(["-pthread"] if case.threads else []), *link_inputs(case, objdir), *case.ldflags,
            *([f"-Wl,-rpath,{objdir}"] if case.shlibs else []), *extra, "-o", str(out)]


def do_link(cmd: list[str], cwd: Path, out: Path, env=None) -> LinkResult:
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env or tool_env(), capture_output=True, text=True,
                           errors="replace", timeout=LINK_TIMEOUT)
        return LinkResult(cmd, p.returncode, p.stdout, p.stderr, str(out))
    except subprocess.TimeoutExpired as e:
        return LinkResult(cmd, -999, _s(e.stdout), _s(e.stderr) + f"\n[link timed out after {LINK_TIMEOUT}s]",
                          str(out))


def link_case(store: Store, case: Case, mode: str, linker: str, label: str) -> LinkResult:
    """Link (once per run) with the given linker; ``label`` names the output directory."""
    objdir = compile_case(store, case, mode)
    key = f"link-{case.name}-{mode}-{label}"
    d = store.dir(key)
    with store.locked(key):
        meta = d / "link.json"
        if meta.exists():
            return LinkResult(**json.loads(meta.read_text()))
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        out = d / "prog"
        res = do_link(link_command(case, mode, objdir, linker, out), d, out)
        meta.write_text(json.dumps(res.__dict__))
        return res


def bfd_link(store: Store, case: Case, mode: str) -> LinkResult:
    res = link_case(store, case, mode, "bfd", "bfd")
    assert res.ok, "harness: the reference link with ld.bfd failed\n" + res.describe("bfd")
    return res


# --------------------------------------------------------------------------- running

@dataclass
class RunResult:
    returncode: int
    stdout: bytes
    stderr: bytes

    def describe(self, label: str) -> str:
        return (f"--- {label} run: exit {self.returncode} ---\n"
                f"stdout:\n{_clip(self.stdout.decode('utf-8', 'replace'))}\n"
                f"stderr:\n{_clip(self.stderr.decode('utf-8', 'replace'))}\n")


def _no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_program(exe: str, case: Case, rundir: Path) -> RunResult:
    rundir.mkdir(parents=True, exist_ok=True)
    try:
        p = subprocess.run(["prog", *case.args], executable=exe, cwd=rundir,
                           env=run_env(rundir, case.env), input=case.stdin, capture_output=True,
                           timeout=RUN_TIMEOUT, preexec_fn=_no_core)
        return RunResult(p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired as e:
        return RunResult(-999, e.stdout or b"", (e.stderr or b"") + f"\n[timed out after {RUN_TIMEOUT}s]".encode())


def _s(x) -> str:
    if x is None:
        return ""
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else x


def _clip(s: str, limit: int = 6000) -> str:
    if len(s) <= limit:
        return s
    return s[:limit // 2] + f"\n[... {len(s) - limit} characters elided ...]\n" + s[-limit // 2:]


def get_case(name: str) -> Case:
    return BY_NAME[name]
