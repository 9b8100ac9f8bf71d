"""Output sections: mapping input sections to output sections (bfd's default script), merging
SHF_MERGE sections, and the Chunk base class that every output section (incl. synthetic) derives from."""
from __future__ import annotations

import bisect

from .diag import LinkError
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

    def __init__(self, name, type_, flags):
        super().__init__(name, type_, flags, 1)
        self.members: list = []

    def update_size(self, ctx) -> None:
        off = 0
        align = self.align
        for m in self.members:
            a = m.align
            if a > align:
                align = a
            off = (off + a - 1) & -a
            m.out_off = off
            off += m.size
        self.size = off
        self.align = align

    def write(self, ctx, buf) -> None:
        if self.type == SHT_NOBITS:
            return
        base = self.offset
        for m in self.members:
            d = m.data
            if d is not None and len(d):
                o = base + m.out_off
                buf[o:o + len(d)] = d


class MergedSection:
    """Deduplicated contents of SHF_MERGE input sections with equal (name, flags, entsize, align).
    Acts as one member of an OutputSection."""

    def __init__(self, name, flags, entsize, align, strings):
        self.name = name
        self.flags = flags
        self.entsize = entsize
        self.align = align
        self.strings = strings
        self.pieces: dict[bytes, int] = {}
        self.blob = bytearray()
        self.size = 0
        self.out = None
        self.out_off = 0
        self.alive = True
        self.type = SHT_PROGBITS
        self.file = None

    @property
    def data(self):
        return self.blob

    @property
    def addr(self):
        return self.out.addr + self.out_off

    def add(self, sec) -> None:
        data = bytes(sec.data)
        pieces = self.pieces
        blob = self.blob
        starts: list[int] = []
        outs: list[int] = []
        a = self.align
        if self.strings:
            parts = data.split(b"\0")
            tail = parts.pop()        # bytes after the last NUL (normally empty)
            pos = 0
            for p in parts:
                o = pieces.get(p)
                if o is None:
                    if a > 1 and p:
                        pad = (-len(blob)) % a
                        blob += bytes(pad)
                    o = len(blob)
                    pieces[p] = o
                    blob += p
                    blob += b"\0"
                starts.append(pos)
                outs.append(o)
                pos += len(p) + 1
            if tail:
                starts.append(pos)
                outs.append(len(blob))
                blob += tail
        else:
            es = self.entsize
            for pos in range(0, len(data) - len(data) % es, es):
                p = data[pos:pos + es]
                o = pieces.get(p)
                if o is None:
                    pad = (-len(blob)) % a
                    if pad:
                        blob += bytes(pad)
                    o = len(blob)
                    pieces[p] = o
                    blob += p
                starts.append(pos)
                outs.append(o)
        self.size = len(blob)
        sec.merge = (self, starts, outs)


def merged_offset(merge, off: int) -> int:
    """Output offset (within the MergedSection) of input offset `off`."""
    ms, starts, outs = merge
    i = bisect.bisect_right(starts, off) - 1
    if i < 0:
        return off
    return outs[i] + (off - starts[i])


_PREFIX_MAP = [
    (".text", ".text"), (".rodata", ".rodata"), (".data.rel.ro", ".data.rel.ro"), (".data", ".data"),
    (".bss", ".bss"), (".tdata", ".tdata"), (".tbss", ".tbss"), (".init_array", ".init_array"),
    (".fini_array", ".fini_array"), (".ctors", ".init_array"), (".dtors", ".fini_array"),
    (".gcc_except_table", ".gcc_except_table"), (".lbss", ".lbss"), (".ldata", ".ldata"),
    (".lrodata", ".lrodata"), (".gnu.linkonce.t.", ".text"), (".gnu.linkonce.r.", ".rodata"),
    (".gnu.linkonce.d.", ".data"), (".gnu.linkonce.b.", ".bss"), (".gnu.linkonce.td.", ".tdata"),
    (".gnu.linkonce.tb.", ".tbss"), (".sdata", ".data"), (".sbss", ".bss"), (".tcommon", ".tbss"),
]


def is_c_identifier(name: str) -> bool:
    """[A-Za-z_][A-Za-z0-9_]*: the section names that get __start_/__stop_ symbols."""
    return name.isidentifier() and name.isascii()


def output_name(name: str, flags: int, obj) -> str:
    if not flags & SHF_ALLOC:
        return name
    for pre, out in _PREFIX_MAP:
        if name == pre or (name.startswith(pre) and (name[len(pre)] == "." if len(name) > len(pre) and
                                                      not pre.endswith(".") else True)):
            if out in (".init_array", ".fini_array") and obj is not None and obj.is_crtbegin_end and \
                    name in (".ctors", ".dtors"):
                return name
            return out
    if name == ".stub":
        return ".text"
    if name == ".rodata1" or name == ".data1":
        return name
    return name


def text_subgroup(name: str) -> int:
    """bfd's .text ordering: unlikely, exit, startup, hot, sorted, then the rest."""
    if name.startswith(".text.unlikely") or (name.startswith(".text.") and name.endswith("_unlikely")):
        return 0
    if name.startswith(".text.exit"):
        return 1
    if name.startswith(".text.startup"):
        return 2
    if name.startswith(".text.hot"):
        return 3
    if name.startswith(".text.sorted."):
        return 4
    return 5


def init_priority(name: str) -> int:
    """Sort key for .init_array/.fini_array members: numbered first by priority, then plain ones."""
    for pre, inv in ((".init_array.", False), (".fini_array.", False), (".ctors.", True), (".dtors.", True)):
        if name.startswith(pre):
            tail = name[len(pre):]
            if tail.isdigit():
                p = int(tail)
                return 65535 - p if inv else p
    return 1 << 20


def section_order_key(outname: str, sec) -> tuple:
    f = sec.file
    base = (f.order, sec.shndx)
    if outname == ".text":
        return (text_subgroup(sec.name),) + base
    if outname in (".init_array", ".fini_array"):
        if getattr(f, "init_first", False):      # braze's library-init entry runs before everything
            return (-1,) + base
        pr = init_priority(sec.name)
        if pr < (1 << 20):
            return (0, pr, sec.name) + base     # bfd's SORT_BY_INIT_PRIORITY breaks ties by name
        return (1, 0, "") + base
    return base


def reverse_ctors(sec) -> None:
    """A .ctors/.dtors input section placed in .init_array/.fini_array is copied with its pointers
    in reverse order, as bfd does (SEC_ELF_REVERSE_COPY): .ctors ran last-to-first, .init_array
    runs first-to-last.  Relocation offsets move with their pointers."""
    size = sec.size
    if size % 8:
        raise LinkError(f"{sec.file.name}: size of section {sec.name} is not a multiple of the address size")
    d = bytes(sec.data)
    sec.data_override = b"".join(d[i:i + 8] for i in range(size - 8, -1, -8))
    if sec.rel_size:
        sec._relocs = [(size - 8 - off + 2 * (off & 7), info, a) for off, info, a in sec.relocs]
