"""The directories of /etc/ld.so.conf, as ld.bfd reads them when it searches for a library a linked
shared library needs (DT_NEEDED) -- after the parent's DT_RUNPATH/DT_RPATH, before the default
directories; both the native and the cross linker (resolve.py: Reader._find_needed).

What bfd 2.40 does (observed): it reads SYSROOT/usr/etc/ld.so.conf (the prefix bfd was configured
with, /usr) or, when that cannot be opened, SYSROOT/etc/ld.so.conf -- without --sysroot the host's.
In each file, per line:
- a `#` starts a comment; leading white space is skipped; blank lines are nothing;
- `include` followed by a space or tab: the rest, split at spaces and tabs, are glob patterns (in byte
  order, `*` not matching a leading dot); a relative one is relative to the including file's directory,
  an absolute one is NOT put in the sysroot; a pattern matching nothing, a file that cannot be read:
  nothing; included files are read the same way, where the include stands;
- anything else: a directory, the first word -- up to white space or `=` (`/lib=libc6`); no other
  keyword (an `hwcap` line is the relative directory `hwcap`), trailing slashes dropped, a `:`
  separates directories within it, and an absolute one is put in the sysroot.
The words make one colon-separated list: an empty element is the current directory (`/`, or a line
starting with `=`, is an empty word), and $ORIGIN/$LIB are expanded at search time as in the other
lists. bfd follows an include cycle until it runs out of file descriptors (the result then depends on
the limit): braze refuses one."""
from __future__ import annotations

import glob

from . import _os as os
from .diag import LinkError

CONF_FILES = ("/usr/etc/ld.so.conf", "/etc/ld.so.conf")
_WS = " \t\n\r\f\v"


def ld_so_conf_dirs(sysroot: str) -> list[str]:
    """The directories (search elements: '' is the current directory), sysroot included."""
    for name in CONF_FILES:
        path = sysroot + name
        text = _read(path)
        if text is None:
            continue
        words: list[str] = []
        _parse(path, text, sysroot, words, [path])
        joined = ":".join(words)
        return joined.split(":") if joined else []
    return []


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def _parse(path: str, text: str, sysroot: str, words: list[str], stack: list[str]) -> None:
    for line in text.split("\n"):
        line = line.split("#", 1)[0].lstrip(_WS)
        if not line:
            continue
        if line.startswith("include") and line[7:8] in (" ", "\t"):
            for pattern in line[8:].replace("\t", " ").split(" "):
                if pattern:
                    _include(path, pattern, sysroot, words, stack)
            continue
        end = len(line)
        for i, ch in enumerate(line):
            if ch in _WS or ch == "=":
                end = i
                break
        word = line[:end].rstrip("/")
        words.append(":".join(sysroot + d if d.startswith("/") else d for d in word.split(":")))


def _include(path: str, pattern: str, sysroot: str, words: list[str], stack: list[str]) -> None:
    if not pattern.startswith("/"):
        pattern = os.path.dirname(path) + "/" + pattern
    for match in sorted(glob.glob(pattern), key=os.fsencode):
        if match in stack or os.path.realpath(match) in {os.path.realpath(p) for p in stack}:
            raise LinkError(f"{match}: ld.so.conf includes itself (ld.bfd reads it until it runs out of "
                            "file descriptors); not supported")
        text = _read(match)
        if text is not None:
            _parse(match, text, sysroot, words, stack + [match])
