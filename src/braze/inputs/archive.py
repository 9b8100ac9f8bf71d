"""ar archives (GNU format): symbol index (`/`, `/SYM64/`), long names (`//`), thin archives.

Members are parsed only when the index says they define a needed symbol (or --whole-archive).
"""
from __future__ import annotations

from .. import _os as os
import _struct as struct

from ..diag import LinkError

AR_MAGIC = b"!<arch>\n"
THIN_MAGIC = b"!<thin>\n"


class Archive:
    def __init__(self, path: str, view, opener):
        self.path = path
        self.name = path
        self.view = view
        self.thin = bytes(view[:8]) == THIN_MAGIC
        self.opener = opener          # maps a thin member path -> memoryview
        # the symbol index, as two columns (not a tuple per entry: ~60 bytes each, musl's libc.a has 2700)
        self.names: list[str | None] = []     # symbol names (None: bindsyms.scan_index is done with it)
        self.offsets: tuple[int, ...] = ()    # the header offset of the member defining each
        self.longnames = b""
        self.loaded: dict[int, object] = {}       # header offset -> ObjectFile (or None for non-ELF)
        self._members: list[int] | None = None
        self.cache = None             # inputs.cache.ArchiveCache of its parsed members, if any
        self.pos = 0.0                # its place in the input order: after the inputs numbered up to it
        # the last member loaded when it was first opened (not by a group's rescan, nor a later use):
        # where the post-LTO rescan's members go (plugin._place_rescanned, bfd's find_rescan_insertion)
        self.first_last = None
        self.first_last_pos = None    # (its place among the inputs renumbered after LTO)
        self._parse_headers()

    def error(self, msg: str, off: int | None = None) -> LinkError:
        where = f" at offset 0x{off:x}" if off is not None else ""
        return LinkError(f"{self.path}: bad archive{where}: {msg}")

    def _header(self, off: int) -> tuple[str, int, int]:
        """(raw name, data offset, size) of the member header at `off`."""
        v = self.view
        if off + 60 > len(v):
            raise self.error("truncated member header", off)
        h = bytes(v[off:off + 60])
        if h[58:60] != b"`\n":
            raise self.error("member header has a bad terminator (expected '`\\n')", off)
        try:
            size = int(h[48:58].decode("ascii").strip() or "0")
        except ValueError:
            raise self.error(f"member header has a non-numeric size {h[48:58]!r}", off) from None
        if size < 0:
            raise self.error("negative member size", off)
        name = h[0:16].decode("utf-8", "replace").rstrip(" ")
        data = off + 60
        if not self.thin or name in ("/", "//", "/SYM64/"):
            if data + size > len(v):
                raise self.error(f"member of size {size} extends past the end of the archive", off)
        return name, data, size

    def _parse_headers(self) -> None:
        off = 8
        v = self.view
        n = len(v)
        self.has_index = False
        # The special members come first: symbol index, then the long-name table.
        while off < n:
            name, data, size = self._header(off)
            if name == "/" or name == "/SYM64/":
                self.has_index = True
                self._parse_index(data, size, 8 if name == "/SYM64/" else 4)
            elif name == "//":
                self.longnames = bytes(v[data:data + size])
            elif name == "__.SYMDEF" or name == "__.SYMDEF SORTED":
                raise self.error("BSD-style archives are not supported", off)
            else:
                break
            off = data + size + (size & 1)
        self.first_member = off

    def _parse_index(self, data: int, size: int, w: int) -> None:
        v = self.view
        fmt = ">I" if w == 4 else ">Q"
        if size < w:
            raise self.error("truncated symbol index", data - 60)
        count = struct.unpack_from(fmt, v, data)[0]
        if w + count * w > size:
            raise self.error(f"symbol index claims {count} symbols but is only {size} bytes", data - 60)
        offs = struct.unpack_from(f">{count}{fmt[1]}", v, data + w)
        # decoded in one piece (a NUL never belongs to a UTF-8 sequence: the same names as one by one)
        strs = bytes(v[data + w + count * w:data + size]).decode("utf-8", "replace").split("\0")
        if len(strs) < count:
            raise self.error("symbol index string table is truncated", data - 60)
        del strs[count:]
        self.names = strs
        self.offsets = offs

    def member_name(self, raw: str) -> str:
        # "/OFFSET" names the long-name table's entry. bfd reads the number as strtol does, up to the
        # first non-digit: GNU ar leaves a 16-character short name's last '/' behind when it gives
        # the member a long name instead (`ar mPiT`, as Linux makes its thin vmlinux.a:
        # "/4039          /" for kernel/sysctl.o/)
        digits = len(raw) - 1 - len(raw[1:].lstrip("0123456789"))
        if raw.startswith("/") and digits:
            o = int(raw[1:1 + digits])
            if o >= len(self.longnames):
                raise self.error(f"long name offset {o} out of range")
            e = self.longnames.find(b"\n", o)
            nm = self.longnames[o:e if e >= 0 else len(self.longnames)].decode("utf-8", "replace")
            return nm[:-1] if nm.endswith("/") else nm
        return raw[:-1] if raw.endswith("/") else raw

    def members(self) -> list[int]:
        """Header offsets of every regular member (for --whole-archive)."""
        if self._members is None:
            out = []
            off = self.first_member
            n = len(self.view)
            while off < n:
                if off + 1 == n and bytes(self.view[off:off + 1]) == b"\n":
                    break
                name, data, size = self._header(off)
                if name not in ("/", "//", "/SYM64/"):
                    out.append(off)
                off = data + (0 if self.thin else size + (size & 1))
            self._members = out
        return self._members

    def member_location(self, off: int) -> tuple[str, int, int]:
        """(file, offset, size) holding the member's bytes, as the LTO plugin reads them: the
        archive itself, or for a thin archive the member's own file."""
        raw, data, size = self._header(off)
        if self.thin:
            mname = self.member_name(raw)
            path = mname if os.path.isabs(mname) else os.path.join(os.path.dirname(self.path), mname)
            return path, 0, size
        return self.path, data, size

    def member(self, off: int) -> tuple[str, object]:
        """(display name, memoryview of contents) of the member at header offset `off`."""
        raw, data, size = self._header(off)
        mname = self.member_name(raw)
        if self.thin:
            path = mname if os.path.isabs(mname) else os.path.join(os.path.dirname(self.path), mname)
            return f"{self.path}({mname})", self.opener(path)
        return f"{self.path}({mname})", self.view[data:data + size]
