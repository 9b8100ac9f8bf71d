"""A persistent cache of parsed archive members and shared libraries, shared by every link of the user.

Parsing an archive member (section headers, names, symbol table) is pure Python work that gives the
same answer every time the same bytes are read; a big static library (libpython3.11.a, libcrypto.a,
libstdc++.a) costs tens of milliseconds of it on every link.  The cache keeps, per archive, what
`ObjectFile.parse` derived from each member it loaded, as marshal data (C-speed to load, no code
executed on load), and later links rebuild the member from that record.  Shared libraries
(libc.so.6, libstdc++.so.6: thousands of versioned dynamic symbols) are kept the same way, one
record per library.

Safety: an archive's records are used only while its path, device, inode, size, mtime and ctime are
all those recorded (ctime cannot be set back by a user: any rewrite of the file changes it), and
each member's (library's) record is checked against the member itself: its size and a CRC-32 of the
bytes it was parsed from (ELF, program and section headers, symbol, string, dynamic and version
tables).  Anything that does not match,
or a cache file that cannot be read or decoded, is ignored: the member is parsed as without a cache.
A record is only ever written for a member that parsed without error.

Where: $BRAZE_CACHE_DIR, else $XDG_CACHE_HOME/braze/inputs, else ~/.cache/braze/inputs.
`--no-cache` (or BRAZE_CACHE_DIR set to the empty string) neither reads nor writes it.  The files
can be deleted at any time; braze itself keeps the directory under MAX_BYTES (128 MiB), deleting the
least recently used files after a link that wrote to it.
"""
from __future__ import annotations

import marshal
from .. import _os as os
import _struct as struct
from ..elf import StructError
from binascii import crc32

VERSION = 9                 # bump when the record layout (ObjectFile.to_record) or what parsing puts in it changes
MIN_ARCHIVE_SIZE = 64 << 10  # smaller archives parse faster than their cache file loads

def _code_stamp(kind: str) -> int:
    """CRC-32 of the bytecode that writes and reads the records of one kind of cache file ("ar": archive
    members, ObjectFile's; "so": shared libraries, SharedFile's): a braze whose record layout differs
    (even if VERSION was not bumped) never reads another's records.  Per kind, so that a static link
    does not import the shared-library reader for it."""
    if kind == "so":
        from .shared import SharedFile
        funcs = (SharedFile.to_record, SharedFile._from_record)
    else:
        from .object import ObjectFile
        funcs = (ObjectFile.to_record, ObjectFile._esyms_record, ObjectFile._from_record)

    def code(co, c: int) -> int:
        c = crc32(co.co_code, c)
        for k in co.co_consts:      # nested code (comprehensions) by content: its repr has an address
            c = code(k, c) if hasattr(k, "co_code") else crc32(repr(k).encode(), c)
        return c
    c = 0
    for f in funcs:
        c = code(f.__code__, c)
    if kind == "so":
        return c
    # the sections of a record are rebuilt by compiled code (objparse.sections_from_record, a native
    # InputSection): it has no bytecode, so its module's source stands for it
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "objparse.py"), "rb") as f:
            c = crc32(f.read(), c)
    except OSError:
        pass
    return c


def cache_dir() -> str | None:
    d = os.getenv("BRAZE_CACHE_DIR")
    if d is not None:
        return d or None
    base = os.getenv("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "braze", "inputs")


_MEMBER_TYPES = frozenset((2, 3))     # SHT_SYMTAB, SHT_STRTAB
# a shared library's parse reads its program headers, .dynamic, .dynsym, .dynstr and the version sections
_SHARED_TYPES = frozenset((3, 6, 11, 0x6ffffffd, 0x6ffffffe, 0x6fffffff))
# elf_check(view, types): CRC-32 of the ELF header, program and section headers and every section of
# one of `types` (compiled, in elfhdr.py)
from .elfhdr import elf_check     # noqa: E402


def member_check(view) -> int | None:
    return elf_check(view, _MEMBER_TYPES)


class ArchiveCache:
    """The records of one archive: loaded when the archive is opened, written back (whole, atomically)
    at the end of the link if members were parsed that it did not hold."""

    def __init__(self, path: str, file: str, key: tuple):
        self.path = path
        self.file = file
        self.key = key
        self.records: dict[int, bytes] = {}
        self.dirty = False
        self.hits = 0
        try:
            data = _load(file)
            if type(data) is tuple and len(data) == 3 and data[0] == VERSION and data[1] == key \
                    and type(data[2]) is dict:
                self.records = data[2]
        except (OSError, EOFError, ValueError, TypeError):
            pass            # absent, unreadable or not ours: start empty

    def get(self, off: int, view):
        """The record of the member at header offset `off` if it matches `view`, else None."""
        blob = self.records.get(off)
        if blob is None:
            return None
        try:
            rec = marshal.loads(blob)
            if rec[0] != len(view) or rec[1] != member_check(view):
                return None
        except (EOFError, ValueError, TypeError, IndexError, StructError):
            return None
        self.hits += 1
        return rec[2]

    def put(self, off: int, view, record) -> None:
        check = member_check(view)
        if check is None:
            return
        try:
            self.records[off] = marshal.dumps((len(view), check, record))
        except ValueError:
            return
        self.dirty = True

    def save(self) -> bool:
        """Write the records back if members were parsed; True when the file was written."""
        return self.dirty and _write(self.file, marshal.dumps((VERSION, self.key, self.records)))


class SharedCache:
    """The record of one shared library (its exported and undefined symbols, versions, DT_NEEDED…)."""

    def __init__(self, file: str, key: tuple):
        self.file = file
        self.key = key
        self.record = None

    def get(self, view):
        try:
            data = _load(self.file)
            if type(data) is tuple and len(data) == 5 and data[0] == VERSION and data[1] == self.key \
                    and data[2] == len(view) and data[3] == elf_check(view, _SHARED_TYPES):
                return data[4]
        except (OSError, EOFError, ValueError, TypeError, StructError):
            pass
        return None

    def put(self, view, record) -> None:
        check = elf_check(view, _SHARED_TYPES)
        if check is not None:
            try:
                self.record = marshal.dumps((VERSION, self.key, len(view), check, record))
            except ValueError:
                pass

    def save(self) -> bool:
        return self.record is not None and _write(self.file, self.record)


_STAMPS: dict[str, int] = {}    # kind -> _code_stamp(kind), once per process (a link server computes
                                # them for its links)


def code_stamp(kind: str) -> int:
    st = _STAMPS.get(kind)
    if st is None:
        st = _STAMPS[kind] = _code_stamp(kind)
    return st


# In a link server (server.py) only: cache files decoded once and kept, by path, with the stat they had.
# A link forked from the server uses a kept file only while the file's stat is unchanged, and then
# validates every record in it against its input exactly as after reading the file.
_WARM: dict | None = None
_USED: list[str] = []           # files a served link read: the server keeps them warm for later links
_WARM_LIMIT = 256 << 20         # bytes of cache files a server keeps at most


def _stat_key(st) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _load(file: str):
    """The decoded content of a cache file (raises OSError, EOFError, ValueError, TypeError)."""
    if _WARM is not None:
        _USED.append(file)
        w = _WARM.get(file)
        if w is not None and w[0] == _stat_key(os.stat(file)):
            return w[1]
    with open(file, "rb") as f:
        return marshal.loads(f.read())


def warm_start() -> None:
    global _WARM
    _WARM = {}


def warm(files) -> None:
    """Keep `files` (cache files links read) decoded in this server process."""
    if _WARM is None:
        return
    total = sum(w[2] for w in _WARM.values())
    for file in dict.fromkeys(files):
        try:
            with open(file, "rb") as f:
                st = os.fstat(f.fileno())
                old = _WARM.get(file)
                if old is not None and old[0] == _stat_key(st):
                    continue
                if total + st.st_size > _WARM_LIMIT:
                    continue
                data = marshal.loads(f.read())
        except (OSError, EOFError, ValueError, TypeError):
            _WARM.pop(file, None)
            continue
        _WARM[file] = (_stat_key(st), data, st.st_size)
        total += st.st_size


MAX_BYTES = 128 << 20       # the directory's size after a link's writes: least recently used files go first
_TMP_AGE = 3600             # seconds after which a *.tmp file is a crashed link's leftover


def _write(file: str, data: bytes) -> bool:
    tmp = f"{file}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, file)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def prune(directory: str, max_bytes: int | None = None, keep=()) -> None:
    """Bound the cache: every input path ever linked has a file of its own (a build tree's libraries,
    a test's temporary ones), so after a link that wrote files (cache misses, rare in a steady build)
    the least recently used ones (by access or modification time, whichever is later; never those in
    `keep`, the link's own) are deleted until the directory holds at most `max_bytes`, and *.tmp files
    a crashed link left are removed.  Only braze's own files are candidates (BRAZE_CACHE_DIR may name
    a directory other programs use too).  Racing links are harmless: a file deleted under another
    link is a miss there."""
    import time
    limit = MAX_BYTES if max_bytes is None else max_bytes
    now = time.time()
    files = []
    total = 0
    try:
        with os.scandir(directory) as it:
            for e in it:
                if not _ours(e.name) or not e.is_file(follow_symlinks=False):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if e.name.endswith(".tmp"):
                    if now - st.st_mtime > _TMP_AGE:
                        _unlink(e.path)
                    continue
                total += st.st_size
                files.append((max(st.st_atime_ns, st.st_mtime_ns), e.path, st.st_size))
    except OSError:
        return
    if total <= limit:
        return
    files.sort()
    for _t, path, size in files:
        if total <= limit:
            break
        if path not in keep and _unlink(path):
            total -= size


def _ours(name: str) -> bool:
    """A name braze gives its cache files (InputCache._file_key): `ar-` or `so-`, the input's base
    name, `-` and 8 hex digits, `.v` and the record VERSION; or that name + `.<pid>.tmp` (_write)."""
    if name.endswith(".tmp"):
        name, _, pid = name[:-4].rpartition(".")
        if not pid.isdigit():
            return False
    stem, dot, ver = name.rpartition(".v")
    if not (dot and ver.isdigit() and name[:3] in ("ar-", "so-")):
        return False
    tail = stem[-9:]
    return len(stem) > 12 and tail[0] == "-" and all(c in "0123456789abcdef" for c in tail[1:])


def _unlink(path: str) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False


class InputCache:
    """All archive caches of one link."""

    def __init__(self, directory: str, realpath=os.path.realpath):
        self.dir = directory
        self.entries: list = []
        self.realpath = realpath        # (resolve.real_path: the same answer, fewer system calls)

    def _file_key(self, prefix: str, path: str, st) -> tuple[str, tuple]:
        real = self.realpath(path)
        name = f"{os.path.basename(real)}-{crc32(real.encode('utf-8', 'surrogateescape')):08x}"
        key = (real, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, code_stamp(prefix))
        return os.path.join(self.dir, f"{prefix}-{name}.v{VERSION}"), key

    def archive(self, path: str, st) -> ArchiveCache | None:
        if st is None or st.st_size < MIN_ARCHIVE_SIZE:
            return None
        file, key = self._file_key("ar", path, st)
        ac = ArchiveCache(path, file, key)
        self.entries.append(ac)
        return ac

    def shared(self, path: str, st) -> SharedCache | None:
        if st is None or st.st_size < MIN_ARCHIVE_SIZE:
            return None
        file, key = self._file_key("so", path, st)
        sc = SharedCache(file, key)
        self.entries.append(sc)
        return sc

    def save(self) -> None:
        written = [e.file for e in self.entries if e.save()]
        if written:
            prune(self.dir, keep=written)
