"""The part of `os` and `os.path` a link uses, made from the built-in posix module.

`import os` costs ~5 M instructions (this module instead: ~3.6 M less, ~6% of a small link): os
imports _collections_abc, and creating its ~27 abstract classes is most of that.  The link path
imports this module as `os` instead (`from . import _os as os`); the call sites read as they would
with os.  Whatever it does not define is the real os's (or posixpath's, for `path`), imported at
first use: only paths a plain link does not take (braze run, the LTO plugin) reach them.
tests/test_osfast.py checks each function here against os and posixpath.  (No `from __future__`
import: nothing here needs it, and a module that has it imports __future__.)
"""
import sys

import posix
from posix import (O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_TRUNC, O_WRONLY, R_OK, WIFSIGNALED, WTERMSIG,  # noqa: F401
                   _exit, access, chmod, close, fork, fspath, fstat, getcwd, getpid, lstat, mkdir, open,
                   pread, pwrite, readlink, replace, scandir, stat, umask, uname, unlink, urandom, waitpid)

sep = "/"
pathsep = ":"
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any
_modules = sys.modules
_environb = posix.environ         # the environment at start-up, bytes to bytes (os.environ is made from it)
_fsenc = sys.getfilesystemencoding()


def getenv(key: str, default: "Any" = None) -> "Any":
    """os.getenv.  Once the real os is imported, its environ is the truth (the link server's child sets
    a client's environment through it); before, nothing can have changed the start-up environment."""
    real = _modules.get("os")
    if real is not None:
        return real.environ.get(key, default)
    v = _environb.get(key.encode(_fsenc, "surrogateescape"))
    return default if v is None else v.decode(_fsenc, "surrogateescape")


def makedirs(name: str, mode: int = 0o777, exist_ok: bool = False) -> None:
    """os.makedirs: the missing parents first, then name."""
    parent, last = split(name)
    if not last:                # a trailing slash
        parent, last = split(parent)
    if parent and last and not _exists(parent):
        try:
            makedirs(parent, mode, exist_ok=exist_ok)
        except FileExistsError:
            pass                # made meanwhile by another process
    if last == ".":
        return
    try:
        mkdir(name, mode)
    except OSError:
        if not exist_ok or not _isdir(name):
            raise


def __getattr__(name: str) -> "Any":
    import os
    return getattr(os, name)


# ---- os.path (posixpath) -------------------------------------------------------------------------

def join(a: str, *parts: str) -> str:
    out = fspath(a)
    for b in parts:
        b = fspath(b)
        if b[:1] == "/":
            out = b
        elif out == "" or out[-1] == "/":
            out += b
        else:
            out = f"{out}/{b}"
    return out


def basename(p: str) -> str:
    p = fspath(p)
    return p[p.rfind("/") + 1:]


def dirname(p: str) -> str:
    p = fspath(p)
    head = p[:p.rfind("/") + 1]
    stripped = head.rstrip("/")
    return stripped if stripped else head       # (all slashes: kept as they are)


def split(p: str) -> tuple[str, str]:
    p = fspath(p)
    return dirname(p), basename(p)


def isabs(p: str) -> bool:
    return fspath(p)[:1] == "/"


def _exists(p: str) -> bool:
    try:
        stat(p)
    except (OSError, ValueError):
        return False
    return True


def _mode(p: str, follow: bool = True) -> int:
    try:
        return (stat(p) if follow else lstat(p)).st_mode & 0o170000
    except (OSError, ValueError):
        return 0


def _isfile(p: str) -> bool:
    return _mode(p) == 0o100000


def _isdir(p: str) -> bool:
    return _mode(p) == 0o040000


def _islink(p: str) -> bool:
    return _mode(p, follow=False) == 0o120000


def normpath(p: str) -> str:
    """Lexically: no empty or '.' components, '..' cancels the name before it; a path made of two
    leading slashes keeps both (POSIX leaves '//' implementation-defined), three or more become one."""
    p = fspath(p)
    if not p:
        return "."
    lead = 0
    if p[0] == "/":
        lead = 2 if p[:2] == "//" and p[:3] != "///" else 1
    out: list[str] = []
    for c in p.split("/"):
        if c == "" or c == ".":
            continue
        if c != "..":
            out.append(c)
        elif out and out[-1] != "..":
            out.pop()
        elif not lead:
            out.append(c)       # a relative path keeps its leading '..'s; '/..' is '/'
    return "/" * lead + "/".join(out) or "."


def abspath(p: str) -> str:
    p = fspath(p)
    return normpath(p if p[:1] == "/" else join(getcwd(), p))


def expanduser(p: str) -> str:
    p = fspath(p)
    if p[:1] != "~":
        return p
    end = p.find("/", 1)
    if end < 0:
        end = len(p)
    home = getenv("HOME") if end == 1 else None
    if home is None:        # ~user, or no HOME: the password database, as posixpath does
        import posixpath
        return posixpath.expanduser(p)
    return (home.rstrip("/") + p[end:]) or "/"


def realpath(p: str) -> str:
    """posixpath.realpath (not strict): every symbolic link in the path replaced by its target; a name
    that does not exist is kept as it is; in a loop of links, the rest of the path is left unresolved."""
    p = fspath(p)
    resolved, _ = _resolve("", p, {})
    return abspath(resolved)


def _resolve(base: str, rest: str, seen: dict[str, str | None]) -> tuple[str, bool]:
    """(base joined with rest, links resolved; False when a loop stopped the resolution).  seen: the
    links being or already resolved, to their resolution (None while in progress).  As posixpath, the
    unresolved rest after a loop is joined as it stands (a rest of '/' or '//' makes it '/')."""
    if rest[:1] == "/":
        base, rest = "/", rest[1:]
    while rest:
        name, _, rest = rest.partition("/")
        if name == "" or name == ".":
            continue
        if name == "..":
            if not base:
                base = ".."
            else:
                head, last = split(base)
                base = join(head, "..", "..") if last == ".." else head
            continue
        cand = join(base, name)
        if not _islink(cand):
            base = cand
            continue
        if cand in seen:
            known = seen[cand]
            if known is None:   # a loop: stop here, the rest unresolved
                return join(cand, rest), False
            base = known
            continue
        seen[cand] = None
        base, ok = _resolve(base, readlink(cand), seen)
        if not ok:
            return join(base, rest), False
        seen[cand] = base
    return base, True


path = type(sys)("braze._os.path")      # os.path, as a module object (its __getattr__: posixpath's rest)
for _f in (join, basename, dirname, split, isabs, normpath, abspath, expanduser, realpath):
    setattr(path, _f.__name__, _f)
path.exists, path.isfile, path.isdir, path.islink = _exists, _isfile, _isdir, _islink
path.sep = sep
path.pathsep = pathsep


def _posixpath(name: str) -> "Any":
    import posixpath
    return getattr(posixpath, name)


path.__getattr__ = _posixpath
del _f
