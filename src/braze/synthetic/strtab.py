"""String tables (.dynstr, .strtab, .shstrtab) with deduplication."""
from __future__ import annotations

from ..elf import SHT_STRTAB, SHF_ALLOC
from ..sections import Chunk


class StrTab(Chunk):
    def __init__(self, name: str, alloc: bool):
        super().__init__(name, SHT_STRTAB, SHF_ALLOC if alloc else 0, 1)
        self.buf = bytearray(b"\0")
        self.map: dict[str, int] = {"": 0}

    def add(self, s: str) -> int:
        o = self.map.get(s)
        if o is None:
            o = len(self.buf)
            self.map[s] = o
            self.buf += s.encode("utf-8", "surrogateescape")
            self.buf += b"\0"
        return o

    def update_size(self, ctx) -> None:
        self.size = len(self.buf)

    def write(self, ctx, buf) -> None:
        buf[self.offset:self.offset + len(self.buf)] = self.buf
