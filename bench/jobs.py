"""Real-world link jobs for braze, shared by bench/run.py and the test suite.

Stdlib only.  A *job* is a small program of ours (sources in
bench/programs/NAME/) plus the commands that compile it, the link step(s)
handed to the linker under test, and how to run the result.  The check never
hard-codes braze's expected output: it links the same objects with ld.bfd,
runs both programs and compares stdout and exit status.

Public API (importable as ``bench.jobs`` from the repo root, or as ``jobs``
with bench/ on sys.path):

    JOBS                      name -> Job, in definition order
    DEFAULT_JOBS              names benchmarked/checked when none are given
    LINKERS                   linker names: bfd gold lld mold braze
    DEFAULT_WORKDIR           bench/work
    BenchError                raised for setup problems (missing linker, tool,
                              library, failed compile, failed link)
    braze_lddir()             $BRAZE_LDDIR, else `braze shim-dir`
    linker_flags(linker, lddir=None) -> [gcc flags] selecting that linker
    verify_linker(linker, lddir=None, workdir=None) -> version line; raises
                              BenchError if it is missing or gcc would not use it
    select_jobs("a,b" | ["a"] | None | "all") -> [Job]
    build_inputs(workdir=None, jobs=None)   compile every job's objects once
    link_commands(job, flags, out, workdir=None) -> [argv, ...]
    link(job, lddir, out, workdir=None, linker=None) -> exe path (raises BenchError)
    run(job, exe) -> RunResult(returncode, stdout, stderr)
    reference(job, workdir=None) -> RunResult of the ld.bfd-linked program
    check(job, exe, workdir=None) -> CheckResult(job, ok, message, ...)
    check_job(job, lddir=None, workdir=None, linker=None) -> CheckResult
    check_all(jobs=None, lddir=None, workdir=None) -> [CheckResult]

``job`` arguments accept a Job or a job name.  ``out`` is a directory: a job
may produce several files (e.g. a shared library and the executable using it).
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from typing import Iterable, Sequence

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
PROGRAMS_DIR = os.path.join(BENCH_DIR, "programs")
DEFAULT_WORKDIR = os.path.join(BENCH_DIR, "work")
LIBDIR = "/usr/lib/x86_64-linux-gnu"

_PYCONFIG = "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu"

# aarch64 jobs: cross-compiled, linked through aarch64-linux-gnu-gcc, run under qemu with the cross
# toolchain's glibc; their static libraries are Debian's arm64 ones, unpacked by
# bench/tools/a64sysroot.py ({a64root}), the same archives the x86-64 jobs take from {libdir}
QEMU_A64 = "qemu-aarch64"
A64_SYSROOT = "/usr/aarch64-linux-gnu"
_A64_LIB = "{a64root}/usr/lib/aarch64-linux-gnu"
_A64_INC = ("-I{a64root}/usr/include", "-I{a64root}/usr/include/aarch64-linux-gnu")
_A64_RUN = (QEMU_A64, "-L", A64_SYSROOT, "{exe}")

LINKERS = ("bfd", "gold", "lld", "mold", "braze")
REFERENCE_LINKER = "bfd"

# What `gcc -fuse-ld=X -Wl,--version` must print to prove X is really used,
# and which Debian package provides it.
_LINKER_INFO = {
    "bfd": ("GNU ld", "binutils"),
    "gold": ("GNU gold", "binutils"),
    "lld": ("LLD", "lld"),
    "mold": ("mold", "mold"),
}

# gcc environment variables that could silently redirect the linker.
_SCRUB_ENV = ("COMPILER_PATH", "GCC_EXEC_PREFIX")


class BenchError(Exception):
    """A setup problem: missing tool/linker/library, failed compile or link."""


@dataclasses.dataclass(frozen=True)
class Job:
    """One link job.

    Strings in ``compile``, ``links``, ``run`` and ``env`` may use the
    placeholders {src} (bench/programs/<name>), {obj} (compiled objects,
    shared by all linkers), {out} (this linker's output directory),
    {exe} (= {out}/<output>), {libdir} (/usr/lib/x86_64-linux-gnu) and
    {a64root} (the arm64 package sysroot of bench/tools/a64sysroot.py).

    ``links`` are full driver command lines *including* ``-o``; the harness
    inserts the linker-selection flags right after the driver (argv[0]).
    All of them are done by the linker under test, in order, and the timed
    "link step" is the whole sequence.
    """
    name: str
    description: str
    compile: tuple[tuple[str, ...], ...]
    links: tuple[tuple[str, ...], ...]
    output: str = "prog"
    run: tuple[str, ...] = ("{exe}",)
    env: tuple[tuple[str, str], ...] = ()
    requires: tuple[tuple[str, str], ...] = ()      # (path, debian package)
    default: bool = True
    timeout: float = 120.0                          # seconds, for running the program
    srcdir: str | None = None                       # bench/programs/<srcdir>, default <name>
    arch: str = "x86_64"                            # "aarch64": cross-built, run under qemu

    @property
    def driver_prefix(self) -> str:
        """Prefix of the job's gcc/g++ (the probe of verify_linker uses the same driver)."""
        return "aarch64-linux-gnu-" if self.arch == "aarch64" else ""

    @property
    def src(self) -> str:
        return os.path.join(PROGRAMS_DIR, self.srcdir or self.name)


@dataclasses.dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str


@dataclasses.dataclass
class CheckResult:
    job: str
    ok: bool
    message: str
    exe: str | None = None
    expected: RunResult | None = None
    actual: RunResult | None = None

    def __bool__(self) -> bool:
        return self.ok


def _c(*args: str) -> tuple[str, ...]:
    return tuple(args)


_CFLAGS = ("-O2", "-Wall")


def _job(name, description, compile, links, **kw) -> Job:
    return Job(name=name, description=description,
               compile=tuple(tuple(c) for c in compile),
               links=tuple(tuple(l) for l in links), **kw)


_JOB_LIST = [
    _job("hello", "C hello world, dynamic PIE",
         compile=[_c("gcc", *_CFLAGS, "-c", "{src}/hello.c", "-o", "{obj}/hello.o")],
         links=[_c("gcc", "{obj}/hello.o", "-o", "{exe}")]),
    _job("sqlite", "C main + Debian's static libsqlite3.a",
         compile=[_c("gcc", *_CFLAGS, "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("gcc", "{obj}/main.o", "{libdir}/libsqlite3.a", "-lm", "-lpthread", "-ldl",
                   "-o", "{exe}")],
         requires=(("{libdir}/libsqlite3.a", "libsqlite3-dev"),)),
    _job("lua", "C host embedding Lua 5.4 from liblua5.4.a",
         compile=[_c("gcc", *_CFLAGS, "-I/usr/include/lua5.4", "-c", "{src}/main.c",
                     "-o", "{obj}/main.o")],
         links=[_c("gcc", "{obj}/main.o", "{libdir}/liblua5.4.a", "-lm", "-ldl", "-o", "{exe}")],
         requires=(("{libdir}/liblua5.4.a", "liblua5.4-dev"),)),
    _job("openssl", "SHA-256 via the EVP API of static libcrypto.a",
         compile=[_c("gcc", *_CFLAGS, "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("gcc", "{obj}/main.o", "{libdir}/libcrypto.a", "-lpthread", "-ldl",
                   "-o", "{exe}")],
         requires=(("{libdir}/libcrypto.a", "libssl-dev"),)),
    _job("cpp", "g++ -O2, 3 objects: exceptions across objects, std::map, iostream, "
                "thread_local, static constructors; dynamic libstdc++",
         compile=[_c("g++", *_CFLAGS, "-c", f"{{src}}/{f}.cpp", "-o", f"{{obj}}/{f}.o")
                  for f in ("main", "registry", "commands")],
         links=[_c("g++", "{obj}/main.o", "{obj}/registry.o", "{obj}/commands.o", "-o", "{exe}")]),
    # ---- not in the default set; select with --jobs NAME, --jobs a64 or --jobs all ----
    # aarch64: the sqlite, lua, openssl and cpp jobs cross-built (see QEMU_A64 above)
    _job("a64-sqlite", "aarch64: the sqlite job with Debian's arm64 libsqlite3.a, run under qemu",
         compile=[_c("aarch64-linux-gnu-gcc", *_CFLAGS, *_A64_INC, "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("aarch64-linux-gnu-gcc", "{obj}/main.o", f"{_A64_LIB}/libsqlite3.a", "-lm", "-lpthread",
                   "-ldl", "-o", "{exe}")],
         run=_A64_RUN, srcdir="sqlite", arch="aarch64", default=False, timeout=300.0),
    _job("a64-lua", "aarch64: the lua job with Debian's arm64 liblua5.4.a, run under qemu",
         compile=[_c("aarch64-linux-gnu-gcc", *_CFLAGS, *_A64_INC, "-I{a64root}/usr/include/lua5.4", "-c",
                     "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("aarch64-linux-gnu-gcc", "{obj}/main.o", f"{_A64_LIB}/liblua5.4.a", "-lm", "-ldl",
                   "-o", "{exe}")],
         run=_A64_RUN, srcdir="lua", arch="aarch64", default=False, timeout=300.0),
    _job("a64-openssl", "aarch64: the openssl job with Debian's arm64 libcrypto.a, run under qemu",
         compile=[_c("aarch64-linux-gnu-gcc", *_CFLAGS, *_A64_INC, "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("aarch64-linux-gnu-gcc", "{obj}/main.o", f"{_A64_LIB}/libcrypto.a", "-lpthread", "-ldl",
                   "-o", "{exe}")],
         run=_A64_RUN, srcdir="openssl", arch="aarch64", default=False, timeout=300.0),
    _job("a64-cpp", "aarch64: the cpp job (exceptions, iostream, thread_local, dynamic libstdc++) "
                    "built with aarch64-linux-gnu-g++, run under qemu",
         compile=[_c("aarch64-linux-gnu-g++", *_CFLAGS, "-c", f"{{src}}/{f}.cpp", "-o", f"{{obj}}/{f}.o")
                  for f in ("main", "registry", "commands")],
         links=[_c("aarch64-linux-gnu-g++", "{obj}/main.o", "{obj}/registry.o", "{obj}/commands.o",
                   "-o", "{exe}")],
         run=_A64_RUN, srcdir="cpp", arch="aarch64", default=False, timeout=300.0),
    _job("hello-static", "the hello job linked -static (non-PIE)",
         compile=[_c("gcc", *_CFLAGS, "-c", "{src}/hello.c", "-o", "{obj}/hello.o")],
         links=[_c("gcc", "-static", "{obj}/hello.o", "-o", "{exe}")],
         requires=(("{libdir}/libc.a", "libc6-dev"),), srcdir="hello", default=False),
    _job("hello-musl-static", "the hello job compiled and linked by musl-gcc -static (Debian's "
                              "wrapper also passes -dynamic-linker: no PT_INTERP must result)",
         compile=[_c("musl-gcc", *_CFLAGS, "-c", "{src}/hello.c", "-o", "{obj}/hello.o")],
         links=[_c("musl-gcc", "-static", "{obj}/hello.o", "-o", "{exe}")],
         requires=(("/usr/lib/x86_64-linux-musl/libc.a", "musl-tools"),), srcdir="hello",
         default=False),
    _job("cpp-static-libstdcxx", "the cpp job linked with -static-libstdc++ -static-libgcc "
                                 "(COMDAT groups of libstdc++.a)",
         compile=[_c("g++", *_CFLAGS, "-c", f"{{src}}/{f}.cpp", "-o", f"{{obj}}/{f}.o")
                  for f in ("main", "registry", "commands")],
         links=[_c("g++", "-static-libstdc++", "-static-libgcc", "{obj}/main.o", "{obj}/registry.o",
                   "{obj}/commands.o", "-o", "{exe}")],
         srcdir="cpp", default=False),
    _job("rust-bin", "rustc -O binary (std, catch_unwind, threads): rustc's own link command "
                     "(rlibs with lib.rmeta members, --gc-sections, -z now) replayed through cc",
         compile=[_c(sys.executable, os.path.join(BENCH_DIR, "tools", "rustlink.py"), "{src}/main.rs",
                     "{obj}")],
         links=[_c("{obj}/rustlink", "-o", "{exe}")],
         srcdir="rust", default=False),
    # LTO through the compiler's plugin: the link step runs lto-wrapper and the LTRANS compiles
    # (run.py reports braze's own share of the time, from its --time)
    _job("lto", "the cpp job compiled g++ -flto -O2: linked through GCC's LTO plugin (LTRANS "
                "dominates the time)",
         compile=[_c("g++", *_CFLAGS, "-flto", "-c", f"{{src}}/{f}.cpp", "-o", f"{{obj}}/{f}.o")
                  for f in ("main", "registry", "commands")],
         links=[_c("g++", "-O2", "-flto", "{obj}/main.o", "{obj}/registry.o", "{obj}/commands.o",
                   "-o", "{exe}")],
         srcdir="cpp", default=False),
    _job("lto-sqlite", "the sqlite job with main.c compiled -flto (IR and Debian's regular "
                       "libsqlite3.a in one link)",
         compile=[_c("gcc", *_CFLAGS, "-flto", "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("gcc", "-O2", "-flto", "{obj}/main.o", "{libdir}/libsqlite3.a", "-lm", "-lpthread",
                   "-ldl", "-o", "{exe}")],
         requires=(("{libdir}/libsqlite3.a", "libsqlite3-dev"),), srcdir="sqlite", default=False),
    _job("lto-lua", "the lua job with main.c compiled -flto (IR and Debian's regular liblua5.4.a)",
         compile=[_c("gcc", *_CFLAGS, "-flto", "-I/usr/include/lua5.4", "-c", "{src}/main.c",
                     "-o", "{obj}/main.o")],
         links=[_c("gcc", "-O2", "-flto", "{obj}/main.o", "{libdir}/liblua5.4.a", "-lm", "-ldl",
                   "-o", "{exe}")],
         requires=(("{libdir}/liblua5.4.a", "liblua5.4-dev"),), srcdir="lua", default=False),
    _job("shlib", "a -shared library plus an executable linked against it",
         compile=[_c("gcc", *_CFLAGS, "-fPIC", "-c", "{src}/greet.c", "-o", "{obj}/greet.o"),
                  _c("gcc", *_CFLAGS, "-c", "{src}/main.c", "-o", "{obj}/main.o")],
         links=[_c("gcc", "-shared", "{obj}/greet.o", "-o", "{out}/libgreet.so"),
                _c("gcc", "{obj}/main.o", "-L{out}", "-lgreet", "-o", "{exe}")],
         env=(("LD_LIBRARY_PATH", "{out}"),), default=False),
    _job("python", "CPython-sized: a C program embedding Python, linked -no-pie against Debian's "
                   "static libpython3.11.a (-g; libs as python3.11-config --ldflags --embed says, "
                   "plus what libpython's members need)",
         compile=[_c("gcc", "-O2", "-g", "-I/usr/include/python3.11", "-c", "{src}/main.c",
                     "-o", "{obj}/main.o")],
         links=[_c("gcc", "-no-pie", "-g", "{obj}/main.o", f"{_PYCONFIG}/libpython3.11.a", "-ldl",
                   "-lm", "-lz", "-lexpat", "-lpthread", "-lutil", "-o", "{exe}")],
         requires=((f"{_PYCONFIG}/libpython3.11.a", "libpython3.11-dev"),), default=False,
         timeout=60.0),
    # the scaling jobs: 1x, 4x, 16x copies of one generated code base (bench/tools/synthgen.py)
    *(_job(f"synth-{n}x", f"{n} copies of a generated C code base ({n * 16} objects, "
                          "-ffunction-sections -fdata-sections -g) for time per MB of input",
           compile=[_c(sys.executable, os.path.join(BENCH_DIR, "tools", "synthgen.py"), str(n),
                       "{obj}")],
           links=[_c("gcc", "@{obj}/objs.rsp", "-o", "{exe}")],
           srcdir="synth", default=False) for n in (1, 4, 16)),
]

JOBS: dict[str, Job] = {j.name: j for j in _JOB_LIST}
DEFAULT_JOBS: list[str] = [j.name for j in _JOB_LIST if j.default]


# --------------------------------------------------------------------------
# helpers

def _job_of(job: Job | str) -> Job:
    if isinstance(job, Job):
        return job
    try:
        return JOBS[job]
    except KeyError:
        raise BenchError(f"unknown job {job!r}; known jobs: {', '.join(JOBS)}") from None


def select_jobs(spec: str | Sequence[str] | None = None) -> list[Job]:
    """None -> default jobs; "all" -> every job; "a64" -> the aarch64 jobs; "a,b" or ["a", "b"] -> those."""
    if spec is None:
        names = DEFAULT_JOBS
    elif isinstance(spec, str):
        names = []
        for n in (s.strip() for s in spec.split(",")):
            if n == "all":
                names += JOBS
            elif n == "a64":
                names += [j.name for j in _JOB_LIST if j.arch == "aarch64"]
            elif n:
                names.append(n)
        names = list(dict.fromkeys(names))
    else:
        names = list(spec)
    return [_job_of(n) for n in names]


def _workdir(workdir: str | None) -> str:
    return os.path.abspath(workdir or DEFAULT_WORKDIR)


def obj_dir(job: Job | str, workdir: str | None = None) -> str:
    return os.path.join(_workdir(workdir), "obj", _job_of(job).name)


def _a64sysroot():
    """bench/tools/a64sysroot.py, loaded by path (this module is imported as jobs and as bench.jobs)."""
    import importlib.util
    mod = sys.modules.get("braze_bench_a64sysroot")
    if mod is None:
        spec = importlib.util.spec_from_file_location("braze_bench_a64sysroot",
                                                      os.path.join(BENCH_DIR, "tools", "a64sysroot.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
    return mod


def a64_sysroot(ensure: bool = False) -> str:
    """The arm64 package sysroot ({a64root}); with ensure=True, fetched first if needed."""
    mod = _a64sysroot()
    if not ensure:
        return mod.default_dir()
    try:
        return mod.ensure()
    except mod.SysrootError as e:
        raise BenchError(f"the arm64 package sysroot: {e}") from None


def _subst(s: str, **vals: str) -> str:
    return s.format(libdir=LIBDIR, a64root=a64_sysroot(), **vals)


def tool_env() -> dict[str, str]:
    """Environment for compiler/linker runs: C locale, no linker redirection."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB_ENV}
    env["LC_ALL"] = "C"
    return env


def _run_tool(argv: Sequence[str], what: str, cwd: str | None = None,
              timeout: float | None = 600) -> subprocess.CompletedProcess:
    try:
        p = subprocess.run(list(argv), cwd=cwd, env=tool_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace", timeout=timeout)
    except FileNotFoundError:
        raise BenchError(f"{what}: command not found: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: timed out after {timeout}s: {shlex.join(argv)}") from None
    if p.returncode != 0:
        raise BenchError(f"{what} failed (exit {p.returncode}): {shlex.join(argv)}\n"
                         f"{_tail(p.stderr + p.stdout)}")
    return p


def _tail(text: str, lines: int = 40) -> str:
    ls = text.rstrip().splitlines()
    if len(ls) > lines:
        ls = [f"... ({len(ls) - lines} lines omitted)"] + ls[-lines:]
    return "\n".join("    " + l for l in ls)


# --------------------------------------------------------------------------
# linkers

def braze_lddir() -> str:
    """The directory whose `ld` is braze: $BRAZE_LDDIR, else `braze shim-dir`.

    The console script is looked for next to sys.executable, then in the
    repo's .venv, then on PATH.  Raises BenchError if none is found.
    """
    env = os.environ.get("BRAZE_LDDIR")
    if env:
        d = os.path.abspath(env)
    else:
        candidates = [os.path.join(os.path.dirname(sys.executable), "braze"),
                      os.path.join(REPO_DIR, ".venv", "bin", "braze"),
                      shutil.which("braze") or ""]
        exe = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
        if exe is None:
            raise BenchError("braze not found: run `make venv` in the repo (or set BRAZE_LDDIR "
                             "to a directory containing the `ld` to test)")
        p = subprocess.run([exe, "shim-dir"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode != 0 or not p.stdout.strip():
            raise BenchError(f"`{exe} shim-dir` failed (exit {p.returncode}):\n{_tail(p.stderr)}")
        d = p.stdout.strip().splitlines()[-1]
    ld = os.path.join(d, "ld")
    if not (os.path.isfile(ld) and os.access(ld, os.X_OK)):
        raise BenchError(f"braze ld dir {d!r} has no executable `ld`"
                         + (" (from $BRAZE_LDDIR)" if env else ""))
    return d


def linker_flags(linker: str, lddir: str | None = None) -> list[str]:
    """gcc/g++ flags that make the driver use `linker`.

    For "braze" (or any explicit lddir) this is -B<lddir>/; lddir defaults to
    braze_lddir().
    """
    if linker == "braze" or lddir is not None:
        d = lddir if lddir is not None else braze_lddir()
        return ["-B" + os.path.join(os.path.abspath(d), "")]
    if linker not in _LINKER_INFO:
        raise BenchError(f"unknown linker {linker!r}; known: {', '.join(LINKERS)}")
    return [f"-fuse-ld={linker}"]


def _probe_object(workdir: str | None, prefix: str = "") -> str:
    d = os.path.join(_workdir(workdir), "probe")
    os.makedirs(d, exist_ok=True)
    src, obj = os.path.join(d, "probe.c"), os.path.join(d, f"{prefix}probe.o")
    if not os.path.exists(obj):
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        _run_tool([prefix + "gcc", "-c", src, "-o", obj], "compiling the linker probe")
    return obj


def _version_lines(text: str) -> list[str]:
    """ld's own --version output, minus what collect2 echoes (its version, the ld command)."""
    return [l for l in text.splitlines()
            if l.strip() and not l.startswith("collect2 ") and " -o /dev/null " not in l]


def verify_linker(linker: str, lddir: str | None = None, workdir: str | None = None,
                  arch: str = "x86_64") -> str:
    """Prove that gcc really runs `linker`; return its --version first line.

    Raises BenchError with an install hint if it is missing.  For braze the
    check is that `gcc -B<lddir>/ -print-prog-name=ld` resolves to <lddir>/ld
    (its --version output is reported but not required).  arch="aarch64" asks
    the same of the cross driver aarch64-linux-gnu-gcc (collect2 finds `ld` in
    the -B directory there too).
    """
    prefix = "aarch64-linux-gnu-" if arch == "aarch64" else ""
    gcc = prefix + "gcc"
    obj = _probe_object(workdir, prefix)
    flags = linker_flags(linker, lddir)
    if linker == "braze" or lddir is not None:
        d = flags[0][2:]
        want = os.path.realpath(os.path.join(d, "ld"))
        p = subprocess.run([gcc, *flags, "-print-prog-name=ld"], stdout=subprocess.PIPE,
                           text=True, env=tool_env())
        got = p.stdout.strip()
        if os.path.realpath(got) != want:
            raise BenchError(f"{gcc} {flags[0]} would run {got!r}, not {want!r}")
        p = subprocess.run([gcc, *flags, obj, "-Wl,--version", "-o", os.devnull],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", env=tool_env())
        lines = _version_lines(p.stdout)
        return lines[0] if p.returncode == 0 and lines else "(no --version output)"
    marker, package = _LINKER_INFO[linker]
    p = subprocess.run([gcc, *flags, obj, "-Wl,--version", "-o", os.devnull],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=tool_env())
    lines = _version_lines(p.stdout)
    if p.returncode != 0 or not lines or marker not in lines[0]:
        raise BenchError(f"linker {linker!r} is not usable via `{gcc} {flags[0]}` "
                         f"(install it: apt-get install -y {package}, or leave it out with "
                         f"--linkers):\n{_tail(p.stdout)}")
    return lines[0]


# --------------------------------------------------------------------------
# building, linking, running

def _check_requirements(job: Job) -> None:
    if job.arch == "aarch64":
        for tool in (job.driver_prefix + "gcc", job.driver_prefix + "ld.bfd", QEMU_A64):
            if not shutil.which(tool):
                raise BenchError(f"job {job.name}: {tool} is missing (apt-get install -y "
                                 "gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu "
                                 "qemu-user)")
        a64_sysroot(ensure=True)
    for path, package in job.requires:
        path = _subst(path)
        if not os.path.exists(path):
            raise BenchError(f"job {job.name}: {path} is missing (apt-get install -y {package})")


def _stamp(job: Job) -> str:
    h = hashlib.sha256()
    h.update(repr(job.compile).encode())
    for root, dirs, files in sorted(os.walk(job.src)):
        dirs.sort()
        for fn in sorted(files):
            if fn == "expected.txt":
                continue
            p = os.path.join(root, fn)
            h.update(os.path.relpath(p, job.src).encode() + b"\0")
            with open(p, "rb") as f:
                h.update(f.read())
    for cc in sorted({c[0] for c in job.compile}):
        try:
            h.update(subprocess.run([cc, "--version"], stdout=subprocess.PIPE).stdout)
        except FileNotFoundError:
            raise BenchError(f"job {job.name}: compiler {cc!r} not found") from None
    return h.hexdigest()


def build_inputs(workdir: str | None = None, jobs: Iterable[Job | str] | None = None,
                 verbose: bool = False) -> None:
    """Compile the objects of `jobs` (default: all jobs) into <workdir>/obj/NAME.

    Skipped when sources, commands and compiler are unchanged since last time.
    """
    for job in (select_jobs(None) if jobs is None else [_job_of(j) for j in jobs]):
        _check_requirements(job)
        d = obj_dir(job, workdir)
        stamp_file = os.path.join(d, ".stamp")
        stamp = _stamp(job)
        try:
            with open(stamp_file) as f:
                if f.read() == stamp:
                    continue
        except OSError:
            pass
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        for cmd in job.compile:
            argv = [_subst(a, src=job.src, obj=d) for a in cmd]
            if verbose:
                print("  " + shlex.join(argv), flush=True)
            _run_tool(argv, f"job {job.name}: compile", cwd=d)
        with open(stamp_file, "w") as f:
            f.write(stamp)


def exe_path(job: Job | str, out: str) -> str:
    return os.path.join(os.path.abspath(out), _job_of(job).output)


def link_commands(job: Job | str, flags: Sequence[str], out: str,
                  workdir: str | None = None) -> list[list[str]]:
    """The job's link command lines with `flags` (from linker_flags) inserted."""
    job = _job_of(job)
    out = os.path.abspath(out)
    vals = dict(src=job.src, obj=obj_dir(job, workdir), out=out, exe=exe_path(job, out))
    return [[_subst(cmd[0], **vals), *flags, *(_subst(a, **vals) for a in cmd[1:])] for cmd in job.links]


def braze_time_split(job: Job | str, lddir: str, out: str, workdir: str | None = None) -> tuple[float, float]:
    """(braze's own passes, the LTO plugin) in ms for one braze link of `job`, from braze's --time:
    the plugin's part is the all-symbols-read hook (lto-wrapper and the LTRANS compiles)."""
    job = _job_of(job)
    build_inputs(workdir, [job])
    os.makedirs(out, exist_ok=True)
    own = plugin = 0.0
    for argv in link_commands(job, [*linker_flags("braze", lddir), "-Wl,--time"], out, workdir):
        p = _run_tool(argv, f"job {job.name}: link with braze --time", cwd=out)
        for line in p.stderr.splitlines():
            if not line.startswith("braze: time: ") or " total " in line:
                continue
            name, ms = line[len("braze: time: "):].rsplit(None, 2)[0].strip(), float(line.split()[-2])
            if name == "LTO plugin":
                plugin += ms
            else:
                own += ms
    return own, plugin


def link(job: Job | str, lddir: str | None, out: str, workdir: str | None = None,
         linker: str | None = None, extra_flags: Sequence[str] = ()) -> str:
    """Link `job` into directory `out` and return the executable's path.

    `lddir` is a directory containing an `ld` (used via gcc -B<lddir>/), e.g.
    braze_lddir(); pass lddir=None and linker="bfd"/"gold"/"lld"/"mold"/"braze"
    to pick a linker by name (default "braze").  Builds the objects first if
    needed.  Raises BenchError (with the linker's stderr) if a link fails.
    """
    job = _job_of(job)
    build_inputs(workdir, [job])
    if lddir is not None:
        flags = linker_flags("braze", lddir)
        who = f"ld in {lddir}"
    else:
        flags = linker_flags(linker or "braze")
        who = linker or "braze"
    os.makedirs(out, exist_ok=True)
    exe = exe_path(job, out)
    if os.path.exists(exe):
        os.unlink(exe)
    for argv in link_commands(job, [*flags, *extra_flags], out, workdir):
        _run_tool(argv, f"job {job.name}: link with {who}", cwd=out)
    if not os.path.isfile(exe):
        raise BenchError(f"job {job.name}: link with {who} produced no {exe}")
    return exe


def input_bytes(job: Job | str, workdir: str | None = None) -> int:
    """Size of the job's named link inputs (objects, archives, @response-file contents).

    Libraries found through -l are not counted: this is the denominator of "time per MB of input".
    """
    job = _job_of(job)
    vals = dict(src=job.src, obj=obj_dir(job, workdir), out="", exe="")
    seen: set[str] = set()
    for cmd in job.links:
        for a in cmd[1:]:
            a = _subst(a, **vals)
            if a.startswith("@") and os.path.isfile(a[1:]):
                with open(a[1:]) as f:
                    seen.update(l.strip() for l in f if l.strip())
            elif os.path.isfile(a):
                seen.add(a)
    return sum(os.path.getsize(p) for p in seen if os.path.isfile(p))


def output_digests(out: str) -> dict[str, str]:
    """sha256 of every file a link left in `out` (name -> hex), to prove output is unchanged."""
    res = {}
    for fn in sorted(os.listdir(out)):
        p = os.path.join(out, fn)
        if os.path.isfile(p) and not fn.startswith("."):
            with open(p, "rb") as f:
                res[fn] = hashlib.sha256(f.read()).hexdigest()
    return res


def run(job: Job | str, exe: str) -> RunResult:
    """Run a linked program of `job` (cwd = its directory) and capture output."""
    job = _job_of(job)
    out = os.path.dirname(os.path.abspath(exe))
    vals = dict(src=job.src, obj="", out=out, exe=os.path.abspath(exe))
    argv = [_subst(a, **vals) for a in job.run]
    env = dict(os.environ, LC_ALL="C")
    env.update({k: _subst(v, **vals) for k, v in job.env})
    try:
        p = subprocess.run(argv, cwd=out, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=job.timeout)
    except subprocess.TimeoutExpired as e:
        return RunResult(-999, (e.stdout or b"").decode(errors="replace"),
                         f"timed out after {job.timeout}s")
    except OSError as e:
        return RunResult(-998, "", f"cannot execute {argv[0]}: {e}")
    return RunResult(p.returncode, p.stdout.decode(errors="replace"),
                     p.stderr.decode(errors="replace"))


def reference(job: Job | str, workdir: str | None = None) -> RunResult:
    """Link `job` with ld.bfd (cached in <workdir>/ref/NAME) and run it."""
    job = _job_of(job)
    out = os.path.join(_workdir(workdir), "ref", job.name)
    exe = exe_path(job, out)
    stamp_file = os.path.join(out, ".stamp")
    stamp = _stamp(job) + repr(job.links)
    try:
        with open(stamp_file) as f:
            fresh = f.read() == stamp and os.path.isfile(exe)
    except OSError:
        fresh = False
    if not fresh:
        link(job, None, out, workdir, linker=REFERENCE_LINKER)
        with open(stamp_file, "w") as f:
            f.write(stamp)
    res = run(job, exe)
    if res.returncode != 0:
        raise BenchError(f"job {job.name}: the ld.bfd-linked reference program failed "
                         f"(exit {res.returncode}):\n{_tail(res.stderr)}")
    expected_file = os.path.join(job.src, "expected.txt")
    if os.path.exists(expected_file):
        with open(expected_file) as f:
            if f.read() != res.stdout:
                sys.stderr.write(f"warning: job {job.name}: ld.bfd output differs from "
                                 f"{expected_file} (library update?); comparing against "
                                 f"the fresh ld.bfd output\n")
    return res


def _describe(r: RunResult) -> str:
    if r.returncode < 0 and r.returncode > -100:
        return f"killed by signal {-r.returncode}"
    return f"exit {r.returncode}"


def check(job: Job | str, exe: str, workdir: str | None = None) -> CheckResult:
    """Run `exe` and compare stdout and exit status with the ld.bfd-linked program."""
    job = _job_of(job)
    try:
        ref = reference(job, workdir)
    except BenchError as e:
        return CheckResult(job.name, False, f"reference (ld.bfd) failed: {e}", exe)
    got = run(job, exe)
    problems = []
    if got.returncode != ref.returncode:
        problems.append(f"{_describe(got)}, expected {_describe(ref)}")
    if got.stdout != ref.stdout:
        diff = difflib.unified_diff(ref.stdout.splitlines(), got.stdout.splitlines(),
                                    "ld.bfd", os.path.basename(exe), lineterm="", n=1)
        problems.append("stdout differs:\n" + _tail("\n".join(diff), 30))
    if problems:
        if got.stderr.strip():
            problems.append("stderr:\n" + _tail(got.stderr, 15))
        return CheckResult(job.name, False, "; ".join(problems), exe, ref, got)
    return CheckResult(job.name, True, "output matches ld.bfd", exe, ref, got)


def check_job(job: Job | str, lddir: str | None = None, workdir: str | None = None,
              linker: str | None = None) -> CheckResult:
    """Build, link with braze (or `lddir` / `linker`), run and compare with ld.bfd.

    Link failures become a failed CheckResult, not an exception.
    """
    job = _job_of(job)
    if lddir is None and linker in (None, "braze"):
        lddir = braze_lddir()
    tag = "braze" if lddir is not None else linker
    out = os.path.join(_workdir(workdir), "check", tag, job.name)
    try:
        exe = link(job, lddir, out, workdir, linker=linker)
    except BenchError as e:
        return CheckResult(job.name, False, f"link failed: {e}")
    return check(job, exe, workdir)


def check_all(jobs: str | Sequence[str] | None = None, lddir: str | None = None,
              workdir: str | None = None) -> list[CheckResult]:
    """check_job for each selected job (default: DEFAULT_JOBS) with braze."""
    selected = select_jobs(jobs)
    lddir = lddir if lddir is not None else braze_lddir()
    build_inputs(workdir, selected)
    return [check_job(j, lddir, workdir) for j in selected]
