"""Chunk, the base class of every output section (incl. synthetic), and OutputSection.

Kept out of sections.py, which mypyc compiles: methods of a compiled class, even a non-native one,
accept only that exact class as `self`, and braze's synthetic sections subclass these in plain
Python (sections.py re-exports both names).  Blob (an output section member with no input bytes),
Segment (a program header) and Synthetic (the link's synthetic sections) are here too, out of the
compiled passes.py and layout.py: a compiled module's classes are native, and other passes give
them attributes as they go."""
from __future__ import annotations

from .elf import SHT_PROGBITS, SHT_NOBITS, SHF_ALLOC, SHF_EXECINSTR


class Chunk:
    """Anything that becomes one output section header."""
    is_synthetic = True
    keep_empty = False      # kept when empty (a synthetic section; an output section holding a
                            # linker-created input section, as bfd's LARGE_COMMON)
    alignof = 0             # (script layout) ALIGNOF()'s value once sh_addralign was lowered to fit
                            # an unaligned address (bfd's alignment_power stays)
    shdr_flags = 0          # sh_flags bits only the section header carries (bfd's special-section
                            # flags of a section a script's data or assignments made: .tbss's TLS)
    embedded_in = None      # (script layout) the OutputSection whose members hold this linker-made
                            # section's words (gnu-efi's `.data : { ... *(.got.plt) *(.got) *(.data*) }`)

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
        if not self.flags & SHF_EXECINSTR:
            return
        # bfd pads the room the input sections' alignment leaves between them in code with its
        # default script's fill where the statement has one (aarch64's .init/.text/.fini: NOPs),
        # else with its target's fill hook (x86-64's long NOPs; aarch64's zeros); with a -T script
        # scriptlayout writes the script's fills over this
        pattern = ctx.target.script_fill(self.name) if ctx.lscript is None else b""
        if not pattern and ctx.target.code_fill(1) == b"\0":
            return
        from .sections import code_gaps
        base = self.offset
        for start, end in code_gaps(self.members):
            n = end - start
            buf[base + start:base + end] = (pattern * (n // len(pattern) + 1))[:n] if pattern \
                else ctx.target.code_fill(n)


class Blob:
    """A member of an output section with no input bytes: COMMON symbols, copy-relocated data."""
    type = SHT_NOBITS
    file = None
    merge = None
    alive = True
    data = None

    def __init__(self, name, size, align):
        self.name = name
        self.size = size
        self.align = align
        self.out = None
        self.out_off = 0

    @property
    def addr(self):
        return self.out.addr + self.out_off


class Segment:
    __slots__ = ("type", "flags", "chunks", "offset", "vaddr", "filesz", "memsz", "align", "paddr", "hdr")

    def __init__(self, type_, flags, align=1):
        self.type = type_
        self.flags = flags
        self.paddr = None       # a linker script's load address (AT): None means p_paddr = p_vaddr
        self.hdr = False        # (script layout) the PT_LOAD that maps the ELF and program headers
        self.chunks = []
        self.offset = self.vaddr = self.filesz = self.memsz = 0
        self.align = align


class Synthetic:
    """Holder for the synthetic sections of this link (None when absent)."""

    def __init__(self):
        self.interp = self.build_id = self.property = self.package = None
        self.build_id_in = None     # (BuildId, its input section) when a script statement took the note
        self.dynsym = self.dynstr = self.gnu_hash = self.hash = None
        self.versym = self.verneed = self.verdef = None
        self.rela_dyn = self.rela_plt = self.relr_dyn = None
        self.plt = self.pltgot = self.pltsec = self.got = self.gotplt = None
        self.dynamic = None
        self.eh_frame = self.eh_frame_hdr = None
        self.dynbss = None
        self.dynrelro = None

    def textrel_needed(self, ctx) -> bool:
        return ctx.textrel
