"""Diagnostics: errors end the link with `braze: error: ...` and exit 1; warnings go to stderr."""
from __future__ import annotations

import sys


class LinkError(Exception):
    """A fatal, user-facing error. The message is printed without a traceback."""
    # bfd reads the files named by options (version scripts, dynamic lists) while it parses the
    # command line: an error there leaves an earlier output in place, as a usage error does
    keep_output = False


def option_file_error(e: LinkError) -> LinkError:
    e.keep_output = True
    return e


_prog = "braze"
_warnings_fatal = False    # --fatal-warnings: each warning also fails the link (exit 1, no output)
_warnings_off = False      # -w / --no-warnings: warnings are not printed (and cannot be fatal)
_fatal_requested = False   # --fatal-warnings given, -w or not
_errors: list[str] = []
_demangle = True           # --no-demangle turns it off, as in GNU ld
_sink: list | None = None  # the Python API: (kind, message) of every warning and error, as they happen


def set_prog(name: str) -> None:
    global _prog
    _prog = name


_styles = ("cxx", "rust")   # which names demangle: --demangle=STYLE (libiberty's styles), default auto


def set_demangle(on: bool) -> None:
    global _demangle
    _demangle = on


def set_demangle_style(style: str) -> None:
    """--demangle=STYLE as GNU ld: `auto` both kinds, `gnu-v3` C++ only, `rust` Rust only, `none`
    neither; the other libiberty styles print C++ names differently (java, gnat) and are refused."""
    global _styles
    styles = {"auto": ("cxx", "rust"), "gnu-v3": ("cxx",), "rust": ("rust",), "none": ()}
    if style in styles:
        _styles = styles[style]
    elif style in ("java", "gnat", "dlang"):
        raise LinkError(f"option --demangle={style} is not supported")
    else:
        raise LinkError(f"unknown demangling style `{style}'")
    set_demangle(True)


def set_warnings(fatal: bool, off: bool) -> None:
    """--fatal-warnings and -w (which overrides it for ld's own warnings)."""
    global _warnings_fatal, _warnings_off, _fatal_requested
    _fatal_requested = fatal
    _warnings_fatal = fatal and not off
    _warnings_off = off


def warn(msg: str, located: bool = False, from_bfd: bool = False) -> None:
    """Every warning goes through here, so --fatal-warnings and -w apply to all of them alike.
    located: `msg` is already in GNU ld's located form (`FILE: in function ...` / `SRC:(SEC+0xOFF):
    warning: ...`, e.g. a .gnu.warning text); only the program name is added.
    from_bfd: a warning GNU ld's BFD library prints itself (e.g. a common symbol's alignment): -w
    does not silence it, and --fatal-warnings makes it fatal even with -w (bfd 2.40)."""
    if _sink is not None and (from_bfd or not _warnings_off):
        _sink.append(("warning", msg))
    if from_bfd:
        sys.stderr.write(f"{_prog}: {msg}\n" if located else f"{_prog}: warning: {msg}\n")
        if _fatal_requested:
            _errors.append(msg)
        return
    if _warnings_off:
        return
    sys.stderr.write(f"{_prog}: {msg}\n" if located else f"{_prog}: warning: {msg}\n")
    if _warnings_fatal:
        _errors.append(msg)        # bfd prints the warning as a warning, then fails the link


def warnings_off() -> bool:
    """-w: ld's own warnings are not printed."""
    return _warnings_off


def note(msg: str) -> None:
    """A warning already in GNU ld's located form (the old name of warn(msg, located=True))."""
    warn(msg, located=True)


def info(msg: str) -> None:
    """A message that is neither a warning nor an error (-y's `FILE: definition of SYM`)."""
    sys.stderr.write(f"{_prog}: {msg}\n")


_late: list[str] = []    # errors that fail the link only when the output would be written


def error(msg: str, at_end: bool = False) -> None:
    """Record a non-fatal error: the link continues to report more, then fails at check_errors()
    (at_end: only at the last one, before the output is written, as bfd's `%X` errors: the passes
    between still print their diagnostics)."""
    (_late if at_end else _errors).append(msg)
    if _sink is not None:
        _sink.append(("error", msg))
    sys.stderr.write(f"{_prog}: error: {msg}\n")


_STATE = ("_prog", "_warnings_fatal", "_warnings_off", "_fatal_requested", "_demangle", "_styles", "_sink")


def save_state() -> tuple:
    """The settings one link's options change (the Python API runs links one after another in a
    process: each starts from the defaults and leaves the caller's settings as they were)."""
    return tuple(globals()[n] for n in _STATE) + (list(_errors),)


def restore_state(state: tuple) -> None:
    g = globals()
    for n, v in zip(_STATE, state):
        g[n] = v
    _errors[:] = state[-1]


def reset_state(prog: str = "braze", sink: list | None = None) -> None:
    """The defaults of a fresh process (what main() starts a link with)."""
    global _prog, _warnings_fatal, _warnings_off, _fatal_requested, _demangle, _styles, _sink
    _prog, _warnings_fatal, _warnings_off, _fatal_requested = prog, False, False, False
    _demangle, _styles, _sink = True, ("cxx", "rust"), sink
    _errors.clear()
    _late.clear()
    _late_lines.clear()


def has_errors() -> bool:
    return bool(_errors)


_late_lines: list[str] = []   # bfd's final-link errors (see error_at_write)


def error_at_write(line: str) -> None:
    """An error bfd reports only while writing the output (its relocation pass), after everything
    the layout prints: `line` is reported (bfd prints it without its program name; braze's errors
    all say `braze: error:`) when the relocations would be applied (check_late_lines), and fails
    the link there."""
    _late_lines.append(line)


def check_late_lines() -> None:
    """Where bfd's final link starts relocating: print error_at_write's lines and fail the link (the
    relocations against what they name would not be written as bfd writes them)."""
    if _late_lines:
        for line in _late_lines:
            error(line)
        _late_lines.clear()
        check_errors()


def check_errors(final: bool = False) -> None:
    if final and _late:
        _errors.extend(_late)
        _late.clear()
    if _errors:
        n = len(_errors)
        _errors.clear()
        raise LinkError(None if n else "")


def report_exception(e: BaseException) -> int:
    """Print what ended the link (a LinkError as itself, anything else as a short internal error, or a
    traceback under BRAZE_DEBUG) and return the exit status."""
    if isinstance(e, LinkError):
        if e.args and e.args[0]:
            sys.stderr.write(f"{_prog}: error: {e.args[0]}\n")
        return 1
    from . import _os as os
    import traceback
    if os.getenv("BRAZE_DEBUG"):
        traceback.print_exception(e)
        return 1
    tb = traceback.extract_tb(e.__traceback__)[-1]
    sys.stderr.write(f"{_prog}: error: internal error: {type(e).__name__}: {e} "
                     f"(at {os.path.basename(tb.filename)}:{tb.lineno}; set BRAZE_DEBUG=1 for details)\n")
    return 1


def fatal(msg: str) -> LinkError:
    return LinkError(msg)


def demangle(name: str) -> str:
    """A symbol name as diagnostics show it: demangled unless --no-demangle (C++ and Rust v0 names;
    as in bfd, a name's `@VERSION` is kept after the demangled part)."""
    if not _demangle:
        return name
    if name.startswith("_R"):
        return rust_name(name) if "rust" in _styles else name
    return cxx_name(name) if "cxx" in _styles else name


def rust_name(name: str) -> str:
    """A Rust v0 name demangled as bfd shows it (libiberty without its verbose flag)."""
    base, at, ver = name.partition("@")
    from .rustdemangle import demangle_rust_v0
    d = demangle_rust_v0(base)
    return name if d is None else d + at + ver


def cxx_name(name: str) -> str:
    """Demangle a C++ name (always: version scripts match extern "C++" patterns against it);
    cxxfilt when available, c++filt otherwise."""
    if not name.startswith("_Z"):
        return name
    if name in _cache:
        return _cache[name]
    try:
        import cxxfilt  # type: ignore
        return cxxfilt.demangle(name)
    except Exception:
        pass
    return _demangle_batch([name])[0]


_cache: dict[str, str] = {}


def demangle_many(names) -> None:
    """Demangle a batch up front (one c++filt run) so that later demangle() calls are cache hits."""
    todo = [n for n in names if n.startswith("_Z")]
    if todo and _demangle and "cxx" in _styles:
        _demangle_batch(todo)


def _demangle_batch(names: list[str]) -> list[str]:
    import shutil
    import subprocess
    todo = [n for n in names if n not in _cache]
    if todo and shutil.which("c++filt"):
        try:
            out = subprocess.run(["c++filt"], input="\n".join(todo), capture_output=True,
                                 text=True, timeout=10).stdout.splitlines()
            if len(out) == len(todo):
                _cache.update(zip(todo, out))
        except Exception:
            pass
    return [_cache.get(n, n) for n in names]
