"""Chunk, the base class of every output section (incl. synthetic), and OutputSection.

Kept out of sections.py, which mypyc compiles: methods of a compiled class, even a non-native one,
accept only that exact class as `self`, and braze's synthetic sections subclass these in plain
Python (sections.py re-exports both names)."""
from __future__ import annotations

from .elf import SHT_PROGBITS, SHT_NOBITS, SHF_ALLOC


class Chunk:
    """Anything that becomes one output section header."""
    is_synthetic = True
    keep_empty = False

    def __init__(self, name: str, type_: int = SHT_PROGBITS, flags: int = SHF_ALLOC, align: int = 1,
                 entsize: int = 0):
        self.name = name
        self.type = type_
        self.flags = flags
        self.align = align
        self.entsize = entsize
        self.addr = 0
        self.offset = 0
        self.size = 0
        self.shndx = 0
        self.link = None     # Chunk whose index goes to sh_link
        self.info = 0        # int or Chunk
        self.rank = 0

    def update_size(self, ctx) -> None:
        pass

    def write(self, ctx, buf) -> None:
        pass

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class OutputSection(Chunk):
    """An output section made of input sections (and merged-section blobs)."""
    is_synthetic = False
    dropped = False      # empty: not written, its symbols belong to the section before it

    def __init__(self, name: str, type_: int, flags: int) -> None:
        super().__init__(name, type_, flags, 1)
        self.members: list = []

    def update_size(self, ctx) -> None:
        from .sections import place_members
        self.size, self.align = place_members(self.members, self.align)

    def write(self, ctx, buf) -> None:
        if self.type == SHT_NOBITS:
            return
        from .sections import write_members
        write_members(self.members, buf, self.offset)
