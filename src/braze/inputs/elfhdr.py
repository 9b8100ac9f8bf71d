"""The ELF header and section header table checks every input (object or shared library) needs.
Compiled with mypyc (tools/build_mypyc.py): every archive member parsed runs its per-section loop."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time: see symbols.py)
    from typing import Any, Final

import _struct as struct
from binascii import crc32

from ..elf import EHDR, SHDR, StructError

SHT_NULL: Final = 0
SHT_RELA: Final = 4
SHT_NOBITS: Final = 8
SHT_REL: Final = 9
SHT_GROUP: Final = 17
SHN_XINDEX: Final = 0xffff
SHF_INFO_LINK: Final = 0x40
_SHT_KNOWN_END: Final = 20             # SHT_NULL .. SHT_RELR; other types below SHT_LOOS are not ELF's
_SHT_LOOS: Final = 0x60000000

_TYPE_NAMES = {1: "a relocatable object", 3: "a shared object"}


def read_headers(v: Any, error: Any, want_type: int, target: Any = None) -> tuple[Any, Any, int]:
    """(ELF header fields, section headers) of the file in `v`, validated: magic, ELF64 little-endian
    of `target`'s machine (not checked without a target: a file already read), e_type, and every header and section inside the file. `error(msg)` makes the LinkError
    (naming the file)."""
    size = len(v)
    if size < EHDR.size:
        raise error(f"file too short for an ELF header ({size} bytes)")
    try:
        ehdr = EHDR.unpack_from(v, 0)
    except StructError:
        raise error("truncated ELF header") from None
    ident, e_type, e_machine = ehdr[0], ehdr[1], ehdr[2]
    e_shoff, e_shentsize, e_shnum = ehdr[6], ehdr[11], ehdr[12]
    if ident[:4] != b"\x7fELF":
        raise error("not an ELF file")
    if ident[4] != 2 or ident[5] != 1:
        raise error(f"not a 64-bit little-endian ELF file (braze links {_names()} only)")
    if ident[6] != 1:
        raise error(f"unknown ELF version {ident[6]} in e_ident (file format not recognized)")
    if target is not None and e_machine != target.e_machine:
        raise error(f"incompatible machine type {e_machine} (expected {target.name})")
    if e_type != want_type:
        raise error(f"unexpected ELF type {e_type} for {_TYPE_NAMES.get(want_type, 'this input')}")
    if e_shentsize != SHDR.size:
        raise error(f"corrupt section header table: e_shentsize is {e_shentsize}, expected 64")
    if e_shoff == 0 or e_shoff > size:
        raise error(f"corrupt section header table: e_shoff 0x{e_shoff:x} is beyond the end of "
                    f"the file (size 0x{size:x})")
    if e_shnum == 0:            # more than 0xff00 sections: the count is in section 0's sh_size
        if e_shoff + SHDR.size > size:
            raise error("truncated section header table")
        e_shnum = SHDR.unpack_from(v, e_shoff)[5]
    end = e_shoff + e_shnum * SHDR.size
    if end > size:
        raise error(f"corrupt section header table: {e_shnum} headers at offset 0x{e_shoff:x} "
                    f"extend past the end of the file (size 0x{size:x})")
    shdrs: list[tuple[int, int, int, int, int, int, int, int, int, int]] = list(SHDR.iter_unpack(v[e_shoff:end]))
    e_shstrndx: int = ehdr[13]
    if e_shstrndx == SHN_XINDEX and shdrs:
        e_shstrndx = shdrs[0][6]
    n = len(shdrs)
    names_size = shdrs[e_shstrndx][5] if 0 < e_shstrndx < n and shdrs[e_shstrndx][1] != SHT_NOBITS else 1 << 64
    for i in range(n):
        sh = shdrs[i]
        t = sh[1]
        if t != SHT_NOBITS and t != SHT_NULL and sh[4] + sh[5] > size:
            raise error(f"section {i} (offset 0x{sh[4]:x}, size 0x{sh[5]:x}) extends past the end "
                        f"of the file (size 0x{size:x})")
        # what bfd checks before it accepts an ELF file (one test per section on the usual path: every
        # archive member comes through here)
        if t == SHT_RELA or t == SHT_GROUP:
            if sh[9] != (24 if t == SHT_RELA else 4) or sh[7] >= n and t == SHT_RELA or sh[6] >= n or \
                    sh[0] >= names_size:
                _check_section(v, shdrs, i, e_shstrndx, error)
        elif t > 8 or sh[6] >= n or sh[0] >= names_size or sh[2] & SHF_INFO_LINK:
            _check_section(v, shdrs, i, e_shstrndx, error)
    return ehdr, shdrs, e_shstrndx


def _check_section(v: Any, shdrs: Any, i: int, shstrndx: int, error: Any) -> None:
    """bfd's checks of section i ("file format not recognized" or "ELF section name out of range" when
    one fails); read_headers calls this for the sections its quick test cannot pass."""
    n = len(shdrs)
    sh = shdrs[i]
    t = sh[1]
    named = 0 < shstrndx < n and shdrs[shstrndx][1] != SHT_NOBITS
    if named and i and sh[0] >= shdrs[shstrndx][5]:
        raise error(f"section {i}: name offset 0x{sh[0]:x} is beyond the section name table "
                    f"(0x{shdrs[shstrndx][5]:x} bytes): ELF section name out of range")
    if sh[6] >= n and sh[6] not in (0xff00, 0xff01):      # (SHN_BEFORE/SHN_AFTER: bfd accepts them)
        why = f"sh_link {sh[6]} is not a section index (the file has {n})"
    elif (t == SHT_RELA or t == SHT_REL or sh[2] & SHF_INFO_LINK) and sh[7] >= n:
        why = f"sh_info {sh[7]} is not a section index (the file has {n})"
    elif t == SHT_RELA and sh[9] != 24 or t == SHT_GROUP and sh[9] != 4:
        why = f"entry size {sh[9]} is wrong for its type {t}"
    elif _SHT_KNOWN_END <= t < _SHT_LOOS:
        why = f"unknown section type 0x{t:x}"
    else:
        return
    where = f"section {i}"
    if named:
        st = shdrs[shstrndx]
        names = bytes(v[st[4]:st[4] + st[5]])
        end = names.find(b"\0", sh[0])
        where += f" ({names[sh[0]:end if end >= 0 else len(names)].decode('utf-8', 'replace')})"
    raise error(f"{where}: {why}")


def _names() -> str:
    from ..arch import targets
    return ", ".join(t.name for t in targets())


def _u16(b: bytes, o: int) -> int:
    return b[o] | b[o + 1] << 8


def _u32(b: bytes, o: int) -> int:
    return b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24


def _u64(b: bytes, o: int) -> int:
    return _u32(b, o) | _u32(b, o + 4) << 32


def elf_check(view: Any, types: frozenset[int]) -> int | None:
    """The input cache's check (inputs/cache.py): CRC-32 of the ELF header, the program and section
    header tables and every section of one of `types`, the bytes a parse depends on (relocations and
    contents are read later from the file itself); None when the headers are not plausible (the file
    is then parsed).  Here, compiled, because it runs for every archive member taken from the cache."""
    n = len(view)
    if n < 64:
        return None
    head = bytes(view[:64])
    shoff = _u64(head, 40)
    shnum = _u16(head, 60)
    end = shoff + shnum * 64
    if shnum == 0 or end > n:
        return None
    c: int = crc32(head)
    phoff = _u64(head, 32)
    phnum = _u16(head, 56)
    if phnum and phoff + phnum * 56 <= n:
        c = crc32(view[phoff:phoff + phnum * 56], c)
    tab = bytes(view[shoff:end])
    c = crc32(tab, c)
    for i in range(shnum):
        o = i * 64
        if _u32(tab, o + 4) in types:
            off = _u64(tab, o + 24)
            size = _u64(tab, o + 32)
            if off + size > n:
                return None
            c = crc32(view[off:off + size], c)
    return c
