"""String tables (.dynstr, .strtab, .shstrtab) with deduplication."""
from __future__ import annotations

from ..elf import SHT_STRTAB, SHF_ALLOC
from ..sections import Chunk


class StrTab(Chunk):
    """Names are kept in `pending` as they are added (their offsets counted from their lengths) and
    encoded into the table's bytes in one piece when `buf` is read: a symbol table of 20,000 names
    then costs a dict lookup and a list append each, not an encode and a bytearray append."""

    def __init__(self, name: str, alloc: bool, tail_merge: bool = False):
        super().__init__(name, SHT_STRTAB, SHF_ALLOC if alloc else 0, 1)
        self._buf = bytearray(b"\0")     # the names added before `pending`
        self.pending: list[str] = []
        self.end = 1                        # the table's size, `pending` included
        self.map: dict[str, int] = {"": 0}
        self.tail_merge = tail_merge
        self.merged_count = 0

    def add(self, s: str) -> int:
        end = self.end
        o = self.map.setdefault(s, end)         # (one dict operation: `end` is no name's offset yet)
        if o == end:
            self.end = end + 1 + (len(s) if s.isascii() else len(s.encode("utf-8", "surrogateescape")))
            self.pending.append(s)
        return o

    @property
    def buf(self) -> bytearray:
        """The table's bytes."""
        if self.pending:
            self._buf += ("\0".join(self.pending) + "\0").encode("utf-8", "surrogateescape")
            self.pending = []
        return self._buf

    def reset(self) -> None:
        """Empty again (the null name only)."""
        self._buf = bytearray(b"\0")
        self.pending = []
        self.end = 1
        self.map = {"": 0}

    def add_name(self, s: str) -> str:
        """Adds `s`; its offset is read from `map` once the table is laid out (tail merging moves it)."""
        self.add(s)
        return s

    def update_size(self, ctx) -> None:
        if self.tail_merge and self.merged_count != len(self.map):
            self.merge_tails()
        self.size = self.end

    def merge_tails(self) -> None:
        """bfd's _bfd_elf_strtab_finalize (.dynstr, .shstrtab): a string that ends another
        is stored inside it; the others keep the order they were added in. bfd sorts the strings
        by their reversed bytes and walks that order from the end, keeping the last string no
        suffix of the one after it as the home of those that are: a string's home is the longest of
        its run (`bc` goes into `abc`, not `xbc`). Offsets change: readers look them up in `map`
        after layout (DT_NEEDED and the like are resolved when .dynamic is written)."""
        names = list(self.map)[1:]
        enc = [n.encode("utf-8", "surrogateescape") for n in names]
        rev = [e[::-1] for e in enc]
        home: dict[bytes, bytes] = {}
        cont = b""
        for r in sorted(rev, reverse=True):
            if cont.startswith(r):
                home[r] = cont
            else:
                cont = r
        buf = bytearray(b"\0")
        pos: dict[bytes, int] = {}
        for r, e in zip(rev, enc):
            if r not in home:
                pos[r] = len(buf)
                buf += e
                buf += b"\0"
        m: dict[str, int] = {"": 0}
        for n, r in zip(names, rev):
            c = home.get(r)
            m[n] = pos[r] if c is None else pos[c] + len(c) - len(r)
        self._buf = buf
        self.pending = []
        self.end = len(buf)
        self.map = m
        self.merged_count = len(m)

    def write(self, ctx, buf) -> None:
        b = self.buf
        buf[self.offset:self.offset + len(b)] = b
