"""ELF64 constants and record layouts (gABI, x86-64 psABI, GNU extensions)."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # `typing` costs ~10 ms of start-up; annotations are never evaluated
    from typing import Final

import _struct as struct     # (the C module, which struct.py re-exports: one import less a link)

# what a struct unpack of too few bytes raises (typeshed's _struct stub leaves it out)
StructError: type[Exception] = struct.error     # type: ignore[attr-defined]

# Record layouts (little-endian ELF64).
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
PHDR = struct.Struct("<IIQQQQQQ")
SYM = struct.Struct("<IBBHQQ")
RELA = struct.Struct("<QQq")
DYN = struct.Struct("<qQ")
CHDR = struct.Struct("<IIQQ")

# e_type
ET_REL, ET_EXEC, ET_DYN = 1, 2, 3

# section types
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_HASH, SHT_DYNAMIC, SHT_NOTE = 0, 1, 2, 3, 4, 5, 6, 7
SHT_NOBITS, SHT_REL, SHT_SHLIB, SHT_DYNSYM = 8, 9, 10, 11
SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY, SHT_GROUP, SHT_SYMTAB_SHNDX = 14, 15, 16, 17, 18
SHT_RELR = 19
SHT_GNU_ATTRIBUTES = 0x6ffffff5
SHT_GNU_HASH = 0x6ffffff6
SHT_GNU_LIBLIST = 0x6ffffff7
SHT_GNU_VERDEF = 0x6ffffffd
SHT_GNU_VERNEED = 0x6ffffffe
SHT_GNU_VERSYM = 0x6fffffff
SHT_LLVM_ADDRSIG = 0x6fff4c03

# section flags
SHF_WRITE: Final = 0x1
SHF_ALLOC: Final = 0x2
SHF_EXECINSTR: Final = 0x4
SHF_MERGE, SHF_STRINGS, SHF_INFO_LINK, SHF_LINK_ORDER = 0x10, 0x20, 0x40, 0x80
SHF_OS_NONCONFORMING, SHF_GROUP, SHF_TLS, SHF_COMPRESSED = 0x100, 0x200, 0x400, 0x800
SHF_GNU_RETAIN = 0x200000
SHF_EXCLUDE = 0x80000000

GRP_COMDAT = 1

# special section indices
SHN_UNDEF: Final = 0
SHN_ABS: Final = 0xfff1
SHN_COMMON: Final = 0xfff2
SHN_XINDEX: Final = 0xffff
SHN_LORESERVE = 0xff00

# symbol binding / type / visibility
STB_LOCAL: Final = 0
STB_GLOBAL: Final = 1
STB_WEAK: Final = 2
STB_GNU_UNIQUE: Final = 10
STT_NOTYPE: Final = 0
STT_OBJECT: Final = 1
STT_FUNC: Final = 2
STT_SECTION: Final = 3
STT_FILE: Final = 4
STT_COMMON: Final = 5
STT_TLS: Final = 6
STT_GNU_IFUNC: Final = 10
STV_DEFAULT: Final = 0
STV_INTERNAL: Final = 1
STV_HIDDEN: Final = 2
STV_PROTECTED: Final = 3

# segment types / flags
PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_SHLIB, PT_PHDR, PT_TLS = 0, 1, 2, 3, 4, 5, 6, 7
PT_GNU_EH_FRAME, PT_GNU_STACK, PT_GNU_RELRO, PT_GNU_PROPERTY = 0x6474e550, 0x6474e551, 0x6474e552, 0x6474e553
PF_X, PF_W, PF_R = 1, 2, 4

# dynamic tags
DT_NULL, DT_NEEDED, DT_PLTRELSZ, DT_PLTGOT, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_RELA = 0, 1, 2, 3, 4, 5, 6, 7
DT_RELASZ, DT_RELAENT, DT_STRSZ, DT_SYMENT, DT_INIT, DT_FINI, DT_SONAME, DT_RPATH = 8, 9, 10, 11, 12, 13, 14, 15
DT_SYMBOLIC, DT_REL, DT_RELSZ, DT_RELENT, DT_PLTREL, DT_DEBUG, DT_TEXTREL, DT_JMPREL = 16, 17, 18, 19, 20, 21, 22, 23
DT_BIND_NOW, DT_INIT_ARRAY, DT_FINI_ARRAY, DT_INIT_ARRAYSZ, DT_FINI_ARRAYSZ = 24, 25, 26, 27, 28
DT_RUNPATH, DT_FLAGS, DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ = 29, 30, 32, 33
DT_RELRSZ, DT_RELR, DT_RELRENT = 35, 36, 37
DT_GNU_HASH = 0x6ffffef5
DT_TLSDESC_PLT, DT_TLSDESC_GOT = 0x6ffffef6, 0x6ffffef7
DT_VERSYM, DT_RELACOUNT, DT_FLAGS_1 = 0x6ffffff0, 0x6ffffff9, 0x6ffffffb
DT_VERDEF, DT_VERDEFNUM, DT_VERNEED, DT_VERNEEDNUM = 0x6ffffffc, 0x6ffffffd, 0x6ffffffe, 0x6fffffff
DT_GNU_FLAGS_1, DT_DEPAUDIT, DT_AUDIT, DT_AUXILIARY, DT_FILTER = 0x6ffffdf4, 0x6ffffefb, 0x6ffffefc, 0x7ffffffd, 0x7fffffff

DF_ORIGIN, DF_SYMBOLIC, DF_TEXTREL, DF_BIND_NOW, DF_STATIC_TLS = 0x1, 0x2, 0x4, 0x8, 0x10
DF_1_NOW, DF_1_GLOBAL, DF_1_NODELETE, DF_1_INITFIRST, DF_1_NOOPEN = 0x1, 0x2, 0x8, 0x20, 0x40
DF_1_ORIGIN, DF_1_INTERPOSE, DF_1_NODEFLIB, DF_1_PIE = 0x80, 0x400, 0x800, 0x08000000
DF_1_LOADFLTR, DF_1_NODUMP, DF_1_GLOBAUDIT = 0x10, 0x1000, 0x01000000
DF_GNU_1_UNIQUE = 0x1

VER_NDX_LOCAL, VER_NDX_GLOBAL = 0, 1
VERSYM_HIDDEN = 0x8000
VER_FLG_BASE = 1

NT_GNU_ABI_TAG, NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0 = 1, 3, 5
NT_FDO_PACKAGING_METADATA = 0xcafe1a7e
GNU_PROPERTY_STACK_SIZE = 1
GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2     # no data: kept when any object has it (generic)
# the generic ranges every machine merges (AND: all inputs must have the bit; OR: any input), and the
# one property of the OR range in use: GNU_PROPERTY_1_NEEDED (bit 0: indirect external access)
GNU_PROPERTY_UINT32_AND_LO, GNU_PROPERTY_UINT32_AND_HI = 0xb0000000, 0xb0007fff
GNU_PROPERTY_UINT32_OR_LO, GNU_PROPERTY_UINT32_OR_HI = 0xb0008000, 0xb000ffff
GNU_PROPERTY_1_NEEDED, GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS = 0xb0008000, 0x1
GNU_PROPERTY_LOPROC, GNU_PROPERTY_HIPROC = 0xc0000000, 0xdfffffff   # (each machine's own meanings)
GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002
GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002
GNU_PROPERTY_X86_UINT32_OR_LO, GNU_PROPERTY_X86_UINT32_OR_HI = 0xc0008000, 0xc000ffff
GNU_PROPERTY_X86_UINT32_AND_LO, GNU_PROPERTY_X86_UINT32_AND_HI = 0xc0000002, 0xc0007fff
GNU_PROPERTY_X86_UINT32_OR_AND_LO, GNU_PROPERTY_X86_UINT32_OR_AND_HI = 0xc0010000, 0xc001ffff
GNU_PROPERTY_X86_FEATURE_1_IBT, GNU_PROPERTY_X86_FEATURE_1_SHSTK = 0x1, 0x2
GNU_PROPERTY_X86_FEATURE_1_LAM_U48, GNU_PROPERTY_X86_FEATURE_1_LAM_U57 = 0x4, 0x8

ELFCOMPRESS_ZLIB = 1
ELFCOMPRESS_ZSTD = 2


def gnu_hash(name: bytes) -> int:
    h = 5381
    for c in name:
        h = (h * 33 + c) & 0xffffffff
    return h


def sysv_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xffffffff
        g = h & 0xf0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xffffffff
    return h


def align_up(v: int, a: int) -> int:
    return (v + a - 1) & -a if a > 1 else v


def gnu_properties(data: bytes) -> list[tuple[int, int, int]]:
    """(pr_type, pr_datasz, its first 32-bit word or 0) of every property in the GNU notes of a
    .note.gnu.property section (the inputs' x86/aarch64 feature bits: inputs/object.py, -Map)."""
    out = []
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
        pos += 12
        name = data[pos:pos + namesz]
        pos += (namesz + 3) & ~3
        desc = data[pos:pos + descsz]
        pos += (descsz + 7) & ~7
        if ntype != NT_GNU_PROPERTY_TYPE_0 or name[:3] != b"GNU":
            continue
        q = 0
        while q + 8 <= len(desc):
            ptype, psz = struct.unpack_from("<II", desc, q)
            q += 8
            out.append((ptype, psz, struct.unpack_from("<I", desc, q)[0] if psz >= 4 and q + 4 <= len(desc) else 0))
            q += (psz + 7) & ~7
    return out
