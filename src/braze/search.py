"""Where GNU ld looks for things: the sysroot (`--sysroot`, `=`/`$SYSROOT` prefixes) and the search of
-T scripts, version scripts and dynamic lists in the -L directories. Kept small and import-free so the
command-line parser can use it without loading the readers."""
from __future__ import annotations

from . import _os as os


def sysroot_prefixed(name: str, sysroot: str) -> str | None:
    """`=X` and `$SYSROOTX` name X inside the sysroot (bfd: -L, SEARCH_DIR, INPUT/GROUP and
    command-line files); None when the name has neither prefix. ld.bfd here is configured with
    no sysroot, so without --sysroot the prefix is simply dropped."""
    if name.startswith("="):
        return sysroot + name[1:]
    if name.startswith("$SYSROOT"):
        return sysroot + name[8:]
    return None


def expand_dir(d: str, sysroot: str) -> str:
    p = sysroot_prefixed(d, sysroot)
    return d if p is None else p


def canon_sysroot(sysroot: str) -> str | None:
    """The sysroot as bfd compares paths against it (real path, no trailing slash); None: none."""
    if not sysroot:
        return None
    return os.path.realpath(sysroot).rstrip("/")


def is_sysrooted(path: str, canon: str | None) -> bool:
    """Is `path` (resolved) inside the sysroot? bfd asks this of each linker script it opens: the
    absolute file names such a script names are then looked up inside the sysroot only."""
    if canon is None:
        return False
    real = os.path.realpath(path)
    return len(real) > len(canon) and real[len(canon)] == "/" and real.startswith(canon)


def find_command_file(name: str, dirs: list[str]) -> str:
    """A -T script, version script or dynamic list: the name as given if it opens, else the first
    -L directory (those given before the option, as bfd reads the file at that point) holding it.
    Unfound, the name comes back as it is, and opening it reports the error."""
    if os.path.exists(name):
        return name
    for d in dirs:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    return name
