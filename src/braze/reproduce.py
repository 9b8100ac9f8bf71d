"""--reproduce=FILE.tar (lld's): a tarball holding every input the link read and a response file,
so that the link can be replayed elsewhere: `tar xf FILE.tar && cd FILE && braze @response.txt`.

Layout as lld's: one directory named after the tarball; inside it `response.txt`, `version.txt`
and each input under its absolute path made relative (/usr/lib/x/crt1.o → usr/lib/x/crt1.o). The
response file is the command line with every path that names an existing file or directory
rewritten to its place in the tarball, `-o` (and the other outputs: -Map, --dependency-file,
--size-map) reduced to its file name, and --reproduce left out. Unlike lld, braze also adds
`--sysroot=.` when the link had no sysroot, so the absolute names inside linker scripts (glibc's
libc.so) and the default search directories resolve inside the tarball too. Written whether or not
the link succeeds (a failing link is what one wants to replay); the tarball is deterministic
(sorted members, zero times and owners).
"""
from __future__ import annotations

import io
import os
import tarfile

from . import diag

# options whose value names an input file or directory (read by the link): rewritten into the tar
_PATH_OPTS = {"L", "library-path", "T", "script", "version-script", "dynamic-list", "rpath-link", "sysroot",
              "export-dynamic-symbol-list", "dT", "default-script"}
# options whose value is an output file: reduced to its file name
_OUTPUT_OPTS = {"o", "output", "Map", "dependency-file", "size-map"}


def rel_to_root(path: str) -> str:
    """lld's relativeToRoot: the absolute path (dots removed, symlinks kept) without its leading /."""
    return os.path.normpath(os.path.abspath(path)).lstrip("/")


def _quote(w: str) -> str:
    if w and not any(c.isspace() or c in "'\"\\" for c in w):
        return w
    return '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'


def response_words(argv: list[str]) -> list[str]:
    """The command line for the replay (see the module docstring)."""
    from .cli import _resolve, _arg_kind
    out: list[str] = []
    i = 0
    n = len(argv)
    only_files = False
    has_sysroot = False

    def in_tar(v: str) -> str:
        return rel_to_root(v) if os.path.exists(v) else v

    while i < n:
        a = argv[i]
        if only_files or not a.startswith("-") or a == "-":
            out.append(in_tar(a) if a != "-" else a)
            i += 1
            continue
        if a == "--":
            only_files = True
            out.append(a)
            i += 1
            continue
        start = i
        opts, i = _resolve(argv, i)
        if len(opts) == 1 and opts[0][2] is not None and _arg_kind(opts[0][0]) == ":":
            name, spelled, val = opts[0]
            if name == "reproduce":
                continue
            if name in _OUTPUT_OPTS:
                out += [spelled, os.path.basename(val) or val]
                continue
            if name in _PATH_OPTS:
                has_sysroot = has_sysroot or name == "sysroot"
                out += [spelled, in_tar(val)]
                continue
        if any(o[0] == "reproduce" for o in opts):
            continue
        out.extend(argv[start:i])
    if not has_sysroot:
        out.append("--sysroot=.")
    return out


def write_reproducer(ctx) -> None:
    cfg = ctx.config
    path = cfg.reproduce
    root = os.path.basename(path)
    if root.endswith(".tar"):
        root = root[:-4]
    files = list(ctx.record.opened_files)
    files += [v for v in cfg.version_scripts] + [v for v in cfg.dynamic_list]
    files += [v for k, v in cfg.export_dynamic_symbols if k == "file"]
    members: dict[str, str] = {}
    for f in files:
        if os.path.isfile(f):
            members.setdefault(rel_to_root(f), f)
    response = "\n".join(_quote(w) for w in response_words(cfg.reproduce_argv)) + "\n"
    from .cli import version_line
    version = version_line()
    try:
        with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, f"{root}/response.txt", response.encode(), 0o644)
            _add_bytes(tar, f"{root}/version.txt", version.encode(), 0o644)
            for rel in sorted(members):
                src = members[rel]
                with open(src, "rb") as fh:
                    data = fh.read()
                mode = 0o755 if os.access(src, os.X_OK) else 0o644
                _add_bytes(tar, f"{root}/{rel}", data, mode)
    except OSError as e:
        diag.warn(f"--reproduce: cannot write {path}: {e.strerror}")


def _add_bytes(tar, name: str, data: bytes, mode: int) -> None:
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = mode
    ti.mtime = 0
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    tar.addfile(ti, io.BytesIO(data))
