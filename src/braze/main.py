"""Command-line entry: `braze [ld options]`, `ld` via a symlink/shim, `braze shim-dir`, `braze run`."""
from __future__ import annotations

from . import _os as os
import sys

from . import diag


def shim_dir() -> str:
    """A directory holding an `ld` that runs this braze (gcc -B<dir> finds it)."""
    base = os.getenv("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    import hashlib
    key = hashlib.sha1(f"{sys.executable}\0{pkg}".encode()).hexdigest()[:12]
    d = os.path.join(base, "braze", f"shim-{key}")
    # braze needs only the standard library: run with -E -S (no site, no PYTHON* variables) so start-up
    # is fast and bytecode caching works even where PYTHONDONTWRITEBYTECODE is set.
    # gc.disable() first: the collector would otherwise run during the imports (~3% of a small link's
    # instructions); main() disables it for the link anyway, and the process ends with os._exit.
    # `ld` is the launcher itself, a Python script run by a `#!PYTHON -ES` line: no /bin/sh to start and
    # exec first (~0.6 ms of every link).  Its sys.path[0] (the script's directory) becomes braze's.
    # Where the kernel cannot take that line (an interpreter path with blanks, or a line longer than the
    # 127 bytes older kernels read), a /bin/sh script runs the same code from launch.py.
    # ModuleSpec._initializing = False on the class: the import system reads `__spec__._initializing` of
    # every module an import statement finds loaded, and the specs the interpreter made before
    # importlib was set up (sys, builtins, _imp, _frozen_importlib) lack it (~230 AttributeErrors
    # raised and cleared a link; False is what an absent attribute means to it).
    code = ("import gc, sys\n"
            "gc.disable()\n"
            "type(sys.__spec__)._initializing = False\n"
            f"sys.path[0] = {pkg!r}\n"
            "from braze.main import main\n"
            "sys.exit(main())\n")
    shebang = f"#!{sys.executable} -ES"
    if len(shebang) <= 127 and shebang.isprintable() and not any(c.isspace() for c in sys.executable):
        files = {os.path.join(d, "ld"): (f"{shebang}\n{code}", 0o755)}
    else:
        script = f"#!/bin/sh\nexec {_q(sys.executable)} -E -S {_q(os.path.join(d, 'launch.py'))} --argv0=ld \"$@\"\n"
        files = {os.path.join(d, "launch.py"): (code, 0o644), os.path.join(d, "ld"): (script, 0o755)}
    os.makedirs(d, exist_ok=True)
    for path, (text, mode) in files.items():
        try:
            with open(path) as f:
                if f.read() == text:
                    continue
        except OSError:
            pass
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    return d


def _q(s: str) -> str:
    import shlex
    return shlex.quote(s)


def main(argv: list[str] | None = None) -> int:
    process_entry = argv is None     # the process ends with this call: skip the interpreter's teardown
    if argv is None:
        argv = sys.argv[1:]
    prog = os.path.basename(sys.argv[0]) if sys.argv else "braze"
    if argv and argv[0].startswith("--argv0="):
        prog = argv[0].split("=", 1)[1]
        argv = argv[1:]
    if prog not in ("ld", "braze") and not prog.startswith("ld."):
        prog = "braze"
    if prog == "braze" and argv:
        if argv[0] == "shim-dir":
            print(shim_dir())
            return 0
        if argv[0] == "run":
            cmd = argv[1:]
            if cmd and cmd[0] == "--":
                cmd = cmd[1:]
            if not cmd:
                sys.stderr.write("braze: error: run: no command given (braze run -- CMD...)\n")
                return 1
            if not os.getenv("BRAZE_NO_SERVER"):
                from .server import run
                status = run(cmd, dict(os.environ))
                if status >= 0:
                    return status
            d = shim_dir()          # no server (BRAZE_NO_SERVER, or it cannot start): plain links
            env = dict(os.environ)
            env["COMPILER_PATH"] = d + (os.pathsep + env["COMPILER_PATH"] if env.get("COMPILER_PATH") else "")
            try:
                os.execvpe(cmd[0], cmd, env)
            except OSError as e:
                sys.stderr.write(f"braze: error: run: {cmd[0]}: {e.strerror}\n")
                return 127
    diag._errors.clear()      # main() may run more than once in a process (tests)
    diag.set_warnings(False, False)
    try:
        from .cli import parse_args
        from .link import link
        config = parse_args(argv)
        if config is None:      # --help / --version handled
            return 0
        import gc
        # a link allocates hundreds of thousands of long-lived objects and no garbage cycles worth
        # collecting; the cyclic collector would only rescan them, again and again
        gc.disable()
        try:
            link(config)
        finally:
            if not process_entry:
                gc.enable()     # main(argv) called from a host program: leave its GC as it was
        if process_entry:
            # freeing every object one by one at exit takes tens of milliseconds on a big link
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        return 0
    except diag.LinkError as e:
        return diag.report_exception(e)
    except (MemoryError, RecursionError, Exception) as e:   # a bug in braze: say so, briefly
        if os.getenv("BRAZE_DEBUG"):
            raise
        return diag.report_exception(e)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
