"""ObjectFile.parse's per-section and per-symbol work, compiled with mypyc (tools/build_mypyc.py).

Every object on the command line and every archive member the input cache does not hold goes through
this once per link: the section header loops, the section names and the symbol names are per-item
work that compiled code does several times faster.  What it derives is exactly what
ObjectFile.parse derived before (the input cache's records are built from it).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time: see symbols.py)
    from typing import Any, Final

import _struct as struct

from .elfhdr import read_headers

SHT_NULL: Final = 0
SHT_SYMTAB: Final = 2
SHT_STRTAB: Final = 3
SHT_RELA: Final = 4
SHT_REL: Final = 9
SHT_GROUP: Final = 17
SHT_SYMTAB_SHNDX: Final = 18
SHT_LLVM_ADDRSIG: Final = 0x6fff4c03
SHF_ALLOC: Final = 0x2
SHF_EXECINSTR: Final = 0x4
SHF_COMPRESSED: Final = 0x800
SHF_EXCLUDE: Final = 0x80000000
SHN_LORESERVE: Final = 0xff00
STT_SECTION: Final = 3
GRP_COMDAT: Final = 1
ET_REL: Final = 1
SYM_SIZE: Final = 24
MAX_ALIGN: Final = 1 << 32        # sh_addralign beyond this is corruption, not a request
MAX_SIZE: Final = 1 << 47          # the x86-64 user address space: no .bss (or common symbol) is larger
LTO_SLIM_SYMBOL: Final = "__gnu_lto_slim"

SHT_NOBITS: Final = 8
_SYM_ITER = struct.Struct("<IBBHQQ").iter_unpack
_RELA_ITER = struct.Struct("<QQq").iter_unpack

# How many parsed relocations InputSection.relocs keeps per link (reset by resolve.read_inputs).
RELOC_KEEP_BUDGET: Final = 40000
_keep_budget = [RELOC_KEEP_BUDGET]


def reset_reloc_budget() -> None:
    _keep_budget[0] = RELOC_KEEP_BUDGET


class InputSection:
    """A section of an input object. Contents are a zero-copy view of the mapped file.

    A native (mypyc) class: parse() below makes thousands per link (every kept section of every
    object and archive member), and a native construction from compiled code costs a fraction of an
    interpreted __init__. Every attribute is declared here (compiled code cannot add others, and
    __slots__ makes the plain-Python class, BRAZE_PURE=1, just as strict)."""
    __slots__ = ("file", "shndx", "name", "type", "flags", "align", "size", "offset", "entsize", "link",
                 "info", "out", "out_off", "alive", "rel_off", "rel_size", "_relocs", "merge", "fdes",
                 "is_eh_frame", "data_override", "gc_mark", "group")

    def __init__(self, file: Any, shndx: int, name: str,
                 sh: tuple[int, int, int, int, int, int, int, int, int, int]) -> None:
        self.file: Any = file
        self.shndx: int = shndx
        self.name: str = name
        self.type: int = sh[1]
        self.flags: int = sh[2]
        self.offset: int = sh[4]
        self.size: int = sh[5]
        self.link: int = sh[6]
        self.info: int = sh[7]
        align = sh[8]
        self.align: int = align or 1
        self.entsize: int = sh[9]
        self.out: Any = None          # OutputSection
        self.out_off: int = 0         # offset inside the output section
        self.alive: Any = True
        self.rel_off: int = 0
        self.rel_size: int = 0
        self._relocs: Any = None
        self.merge: Any = None        # MergeInput when SHF_MERGE
        self.fdes: Any = None
        self.is_eh_frame: Any = False
        self.data_override: Any = None
        self.gc_mark: Any = False
        self.group: Any = None

    @property
    def data(self) -> Any:
        if self.data_override is not None:
            return self.data_override
        if self.type == SHT_NOBITS:
            return b""
        f = self.file
        return f.view[self.offset:self.offset + self.size]

    @property
    def relocs(self) -> Any:
        """(r_offset, r_info, r_addend) triples, parsed on first use and kept while the link's budget
        lasts (RELOC_KEEP_BUDGET): past it, parsed again on every use, for a list of tuples costs
        ~150 bytes a relocation and a big link would otherwise hold every one from the scan to the
        end (+30 MB of peak memory for 200 000 relocations) to save a second parse (~0.1 us each)."""
        r = self._relocs
        if r is None:
            if not self.rel_size:
                r = self._relocs = []
                return r
            r = list(_RELA_ITER(self.file.view[self.rel_off:self.rel_off + self.rel_size]))
            left: int = _keep_budget[0]
            if left > 0:
                _keep_budget[0] = left - len(r)
                self._relocs = r
        return r

    @property
    def addr(self) -> int:
        a: int = self.out.addr + self.out_off
        return a

    def __repr__(self) -> str:
        return f"{self.file.name}:({self.name})"


def names(strtab: bytes, offsets: list[int]) -> list[str]:
    """NUL-terminated strings at `offsets`. An all-ASCII table (the usual case) is decoded once and
    sliced as str, which is several times faster than decoding each name."""
    out: list[str] = []
    if strtab.isascii():
        st = strtab.decode("ascii")
        for o in offsets:
            out.append(st[o:st.find("\0", o)] if o else "")
        return out
    for o in offsets:
        if o:
            out.append(strtab[o:strtab.find(b"\0", o)].decode("utf-8", "replace"))
        else:
            out.append("")
    return out


def _secname(shstrtab: bytes, off: int) -> str:
    e = shstrtab.find(b"\0", off)
    return shstrtab[off:e if e >= 0 else len(shstrtab)].decode("utf-8", "replace")


def _imap(big: bool, i: int) -> int:
    """Section indices from 0xff00 up collide with the reserved values (SHN_ABS, SHN_COMMON…) that
    symbols carry in st_shndx. Past that point an object's sections are numbered internally 0x100
    higher (a hole of None over the reserved range), so every later pass can tell a real section
    from a reserved value by the number alone."""
    return i + 0x100 if big and i >= SHN_LORESERVE else i


def _imap_big(i: int) -> int:
    return i + 0x100 if i >= SHN_LORESERVE else i


def _identity(i: int) -> int:
    return i


def parse(obj: Any) -> None:
    """Fill `obj` (an ObjectFile) from its file: sections (InputSection objects), relocation
    sections attached to their targets, symbols and their names, COMDAT groups, notes."""
    v: Any = obj.view
    size = len(v)
    _ehdr, shdrs0, e_shstrndx0 = read_headers(v, obj.error, ET_REL, obj.target)
    shdrs: list[tuple[int, int, int, int, int, int, int, int, int, int]] = shdrs0
    e_shstrndx: int = e_shstrndx0
    n = len(shdrs)
    for i in range(n):
        sh = shdrs[i]
        if sh[8] > MAX_ALIGN or sh[5] > MAX_SIZE:
            raise obj.error(f"section {i}: size 0x{sh[5]:x} or alignment 0x{sh[8]:x} is too large")
    if e_shstrndx >= n:
        raise obj.error(f"corrupt section header table: bad e_shstrndx {e_shstrndx}")
    sh_str = shdrs[e_shstrndx]
    shstrtab = bytes(v[sh_str[4]:sh_str[4] + sh_str[5]])
    # an all-ASCII name table (the usual case) is decoded once and sliced, as names() does
    shs: str | None = shstrtab.decode("ascii") if shstrtab.isascii() else None
    big = n > SHN_LORESERVE
    sections: list[Any] = [None] * (_imap(big, n - 1) + 1 if big else n)
    symtab_idx = -1
    groups: list[int] = []
    for i in range(1, n):
        sh = shdrs[i]
        t = sh[1]
        if t == SHT_SYMTAB:
            symtab_idx = i
            continue
        if t == SHT_GROUP:
            groups.append(i)
            continue
        if t == SHT_STRTAB or t == SHT_RELA or t == SHT_REL or t == SHT_NULL or t == SHT_SYMTAB_SHNDX \
                or t == SHT_LLVM_ADDRSIG:
            if t == SHT_SYMTAB_SHNDX:
                obj.symtab_shndx = list(struct.unpack_from(f"<{sh[5] // 4}I", v, sh[4]))
            continue
        if shs is not None:
            no: int = sh[0]
            ne = shs.find("\0", no)
            name = shs[no:ne] if ne >= 0 else shs[no:]
        else:
            name = _secname(shstrtab, sh[0])
        flags = sh[2]
        if flags & SHF_EXCLUDE:
            # bfd drops SHF_EXCLUDE sections from a final link, allocated ones too (-r keeps them:
            # relocatable.py reads the headers again); references to an allocated one are errors
            if name.startswith(".gnu.lto_"):
                obj.has_lto_ir = True
            elif flags & SHF_ALLOC:
                obj.excluded_alloc += ((_imap(big, i), name),)
            continue
        if name.startswith(".note.") or name.startswith(".gnu"):
            if name == ".note.GNU-stack":
                obj.has_gnu_stack = True
                if flags & SHF_EXECINSTR:
                    obj.exec_stack = True
                continue
            if name == ".note.gnu.property":
                obj._parse_property(bytes(v[sh[4]:sh[4] + sh[5]]))
                continue
            if name.startswith(".gnu.warning"):
                text = bytes(v[sh[4]:sh[4] + sh[5]]).rstrip(b"\0").decode("utf-8", "replace")
                if name.startswith(".gnu.warning."):
                    obj.warnings[name[13:]] = text
                else:
                    obj.section_warning = text
                continue
            if name.startswith(".gnu.lto_") or name.startswith(".gnu_debuglink") or name == ".gnu.lto":
                continue
            if name == ".note.gnu.build-id":
                obj.build_id_notes += (_imap(big, i),)
        elif name.startswith(".llvm_addrsig"):
            continue
        ii = _imap(big, i)
        s = InputSection(obj, ii, name, sh)
        if flags & SHF_COMPRESSED:
            obj._decompress(s)
        elif name.startswith(".zdebug") and bytes(v[sh[4]:sh[4] + 4]) == b"ZLIB":
            obj._decompress_gnu(s)
        sections[ii] = s
    obj.sections = sections
    # relocation sections attach to their targets
    for i in range(1, n):
        sh = shdrs[i]
        t = sh[1]
        if t == SHT_RELA:
            info = sh[7]
            if info < n:
                target = sections[_imap(big, info)]
                if target is not None:
                    if sh[4] + sh[5] > size:
                        raise obj.error(f"relocation section {i} extends past the end of the file")
                    target.rel_off = sh[4]
                    target.rel_size = sh[5] - sh[5] % 24
        elif t == SHT_REL and sh[7] < n and sections[_imap(big, sh[7])] is not None:
            raise obj.error(f"section {i}: SHT_REL relocations are not valid on x86-64")
    strtab = b""
    esyms: list[tuple[int, int, int, int, int, int]] = []
    if symtab_idx >= 0:
        sh = shdrs[symtab_idx]
        if sh[9] != SYM_SIZE and sh[5]:
            raise obj.error(f"corrupt symbol table: entry size {sh[9]}")
        if sh[6] >= n:
            raise obj.error("corrupt symbol table: bad string table link")
        st = shdrs[sh[6]]
        strtab = bytes(v[st[4]:st[4] + st[5]])
        cnt = sh[5] // 24
        if sh[7] > cnt:
            raise obj.error(f"corrupt symbol table: sh_info {sh[7]} (its first global) is beyond its "
                            f"{cnt} symbols")
        esyms = list(_SYM_ITER(v[sh[4]:sh[4] + cnt * 24]))
        obj.esyms = esyms
        obj.symtab_at = (sh[4], cnt)
        obj.first_global = sh[7] if sh[7] else cnt
        if obj.symtab_shndx is not None:
            obj._extended_indices(n, _imap_big if big else _identity)
            esyms = obj.esyms
    offsets: list[int] = []
    top = 0
    for e in esyms:
        o = e[0]
        offsets.append(o)
        if o > top:
            top = o
    if offsets and top >= len(strtab) and (strtab or top):
        # (bfd never reads a section symbol's name: only the others' are checked)
        for e in esyms:
            if e[0] >= len(strtab) and e[1] & 0xf != STT_SECTION:
                sn = _secname(shstrtab, shdrs[shdrs[symtab_idx][6]][0])
                raise obj.error(f"invalid string offset {e[0]} >= {len(strtab)} for section `{sn}'")
    nm = names(strtab, offsets)
    obj.sym_names = nm
    if obj.has_lto_ir and LTO_SLIM_SYMBOL in nm:
        obj.lto_slim = True
    for gi in groups:
        sh = shdrs[gi]
        data = v[sh[4]:sh[4] + sh[5]]
        words = struct.unpack_from(f"<{len(data) // 4}I", data, 0)
        if not words:
            continue
        flag: int = words[0]
        members = [_imap(big, m) for m in words[1:] if m < n]
        if not flag & GRP_COMDAT:
            continue
        sig_idx = sh[7]
        if sig_idx >= len(nm):
            raise obj.error(f"section group {gi}: bad signature symbol index {sig_idx}")
        sig = nm[sig_idx]
        if esyms[sig_idx][1] & 0xf == STT_SECTION:
            sig_sec = esyms[sig_idx][3]
            real = sig_sec - 0x100 if sig_sec > 0xffff else sig_sec
            if not 0 < real < n or SHN_LORESERVE <= sig_sec <= 0xffff:
                raise obj.error(f"section group {gi}: signature symbol {sig_idx} has bad section index "
                                f"{sig_sec}")
            sig = _secname(shstrtab, shdrs[real][0])
        obj.comdat_groups.append((sig, members))
        obj.group_headers.append((gi, sh[5]))


def sections_from_record(obj: Any, nsec: int, secs: Any) -> list[Any]:
    """ObjectFile._from_record's sections: the input cache's (index, name, type, flags, offset, size,
    link, info, align, entsize, rel_off, rel_size) rows as InputSection objects, built natively."""
    sections: list[Any] = [None] * nsec
    row: tuple          # (a tuple: items read natively, not by a generic item call each)
    for row in secs:
        i: int = row[0]
        s = InputSection(obj, i, row[1], (0, row[2], row[3], 0, row[4], row[5], row[6], row[7], row[8],
                                          row[9]))
        s.rel_off = row[10]
        s.rel_size = row[11]
        sections[i] = s
    return sections
