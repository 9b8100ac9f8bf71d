"""ELF relocatable objects (ET_REL): sections, symbols, relocations, COMDAT groups."""
from __future__ import annotations

import _struct as struct

from ..diag import LinkError
from ..elf import (SHDR, SYM, RELA, ET_REL, SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_REL, SHT_GROUP,
                   SHT_NOBITS, SHT_SYMTAB_SHNDX, SHF_ALLOC, SHF_EXCLUDE, SHF_EXECINSTR, SHF_COMPRESSED,
                   SHN_UNDEF, SHN_XINDEX, SHN_LORESERVE, STT_SECTION, GRP_COMDAT, SHT_LLVM_ADDRSIG,
                   gnu_properties, GNU_PROPERTY_LOPROC, GNU_PROPERTY_HIPROC, GNU_PROPERTY_UINT32_AND_LO,
                   GNU_PROPERTY_UINT32_OR_HI, CHDR, ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD, GNU_PROPERTY_NO_COPY_ON_PROTECTED)

_SHDR_ITER = SHDR.iter_unpack
MAX_ALIGN = 1 << 32        # sh_addralign beyond this is corruption, not a request
MAX_SIZE = 1 << 47          # the x86-64 user address space: no .bss (or common symbol) is larger
_unpack_from = struct.unpack_from

# InputSection is a native class of the compiled objparse module, which makes most of them
from .objparse import InputSection, RELOC_KEEP_BUDGET, reset_reloc_budget, sections_from_record  # noqa: F401


LTO_SLIM_SYMBOL = "__gnu_lto_slim"     # gcc marks an object holding only LTO IR with it
BITCODE_MAGICS = (b"BC\xc0\xde", b"\xde\xc0\x17\x0b")   # LLVM bitcode, raw or in its wrapper


def lto_error(name: str, what: str = "GCC") -> LinkError:
    """An IR object that no plugin claimed (no -plugin, or one for the other compiler): linking it
    as if empty would silently drop its code (bfd only warns and does that)."""
    return LinkError(f"{name}: plugin needed to handle lto object ({what} LTO IR: link through "
                     f"`gcc -flto`/`clang -flto`, which pass the compiler's -plugin, or compile with "
                     f"-ffat-lto-objects)")


class ObjectFile:
    """A relocatable object, possibly an archive member.

    The defaults that are plain values live on the class: an archive member made from the input
    cache's record (most of a big link's objects) sets only what differs, in one pass over the record."""
    is_shared = False
    just_syms = False                 # made from a --just-symbols file (justsyms.py)
    synthetic = False                 # made by the linker (libinit.py, justsyms.py)
    symtab_at: tuple[int, int] | None = None     # (offset, count) of the symbol table parsed
    first_global = 0
    has_gnu_stack = False
    exec_stack = False
    build_id_notes: tuple = ()        # indices of its .note.gnu.build-id sections (a final link drops them)
    excluded_alloc: tuple = ()        # (index, name) of its allocated SHF_EXCLUDE sections (dropped)
    section_warning: str | None = None
    symtab_shndx: list[int] | None = None
    is_alive = True
    is_crtbegin_end = False
    svals = pvals = None              # relocation value caches (arch.apply_relocs), after layout
    pc_seen = None                    # symbols whose PC32/PLT32 needs are known (arch.scan_section)
    scan_seen = None                  # per symbol index: reference kinds a target's scan has handled
    has_lto_ir = False                # .gnu.lto_* sections (GCC LTO IR: fat or slim)
    lto_slim = False                  # IR only (gcc -flto without -ffat-lto-objects): no code
    lto_output = False                # added by the LTO plugin (bfd's lto_output: its FILE symbols are not kept)
    cacheable = True                  # to_record() describes it fully (no decompressed section)

    def __init__(self, name: str, view, archive=None, order: int = 0, target=None, record=None):
        self.name = name
        self.target = target              # the link's Target: inputs of another machine are refused
        self.view = view
        self.archive = archive
        self.order = order
        self.syms: list = []          # Symbol for global indices, None for locals
        self.eh_frames: list[InputSection] = []
        self.special: dict = {}           # and for merged-section and discarded-section symbols
        if record is not None and (target is None or (view[18] | view[19] << 8) == target.e_machine):
            self._from_record(record)       # (a file of another machine is parsed: parse() refuses it)
        else:
            self.sections: list[InputSection | None] = []
            self.esyms: list[tuple] = []
            self.sym_names: list[str] = []
            self.comdat_groups: list[tuple[str, list[int]]] = []
            self.group_headers: list[tuple[int, int]] = []     # (index, size) of each comdat_groups' SHT_GROUP
            # .note.gnu.property: the processor-specific range as read (the Target's merge_properties
            # gives the numbers their meaning, which differs by machine), the generic ranges (properties.py)
            self.proc_props: dict[int, int] = {}
            self.gnu_props: dict[int, int] = {}   # the generic ranges (GNU_PROPERTY_1_NEEDED…: properties.py)
            self.warnings: dict[str, str] = {}          # .gnu.warning.SYM -> text
            self.parse()

    def error(self, msg: str) -> LinkError:
        return LinkError(f"{self.name}: {msg}")

    def parse(self) -> None:
        """Sections, relocation sections, symbols and COMDAT groups from the file (objparse.py)."""
        parse_object(self)

    def to_record(self) -> tuple:
        """What parse() derived from the file, as plain data for the input cache (inputs/cache.py):
        _from_record(to_record()) rebuilds the same object without reading the headers again."""
        secs = tuple((i, s.name, s.type, s.flags, s.offset, s.size, s.link, s.info, s.align, s.entsize,
                      s.rel_off, s.rel_size) for i, s in enumerate(self.sections) if s is not None)
        return (len(self.sections), secs, self.symtab_shndx,
                (self.has_lto_ir, self.has_gnu_stack, self.exec_stack, self.lto_slim, self.build_id_notes,
                 self.excluded_alloc),
                self.proc_props, self.warnings,
                self.section_warning, self._esyms_record(), self.first_global, self.sym_names,
                tuple((sig, tuple(m)) for sig, m in self.comdat_groups), tuple(self.group_headers),
                self.gnu_props)

    def _esyms_record(self):
        """The symbols as the record keeps them: where they are in the file, which the cache's check
        covers (reading them from there is cheaper than unmarshalling as many tuples), or the list
        itself when parse() changed them (extended section indices)."""
        if self.symtab_shndx is None and self.symtab_at is not None:
            return self.symtab_at
        return self.esyms

    def _from_record(self, rec: tuple) -> None:
        (nsec, secs, self.symtab_shndx, flags, self.proc_props, self.warnings, self.section_warning, esyms, self.first_global,
         self.sym_names, groups, headers, self.gnu_props) = rec
        if type(esyms) is tuple:
            off, cnt = esyms
            self.symtab_at = esyms
            esyms = list(SYM.iter_unpack(self.view[off:off + cnt * 24]))
        self.esyms = esyms
        (self.has_lto_ir, self.has_gnu_stack, self.exec_stack, self.lto_slim, self.build_id_notes,
         self.excluded_alloc) = flags
        self.sections = sections_from_record(self, nsec, secs)
        self.comdat_groups = [(sig, list(m)) for sig, m in groups]
        self.group_headers = list(headers)

    def _parse_property(self, data: bytes) -> None:
        """A type given twice is ORed, as bfd's x86 and aarch64 readers do."""
        for ptype, size, val in gnu_properties(data):
            if GNU_PROPERTY_LOPROC <= ptype <= GNU_PROPERTY_HIPROC:
                self.proc_props[ptype] = self.proc_props.get(ptype, 0) | val
            elif ptype == GNU_PROPERTY_NO_COPY_ON_PROTECTED:
                self.gnu_props[ptype] = 0
            elif GNU_PROPERTY_UINT32_AND_LO <= ptype <= GNU_PROPERTY_UINT32_OR_HI and size == 4:
                self.gnu_props[ptype] = self.gnu_props.get(ptype, 0) | val

    def _decompress(self, s: InputSection) -> None:
        v = self.view
        if s.size < CHDR.size:
            raise self.error(f"section {s.name}: truncated compression header")
        ctype, _res, csize, calign = CHDR.unpack_from(v, s.offset)
        if ctype == ELFCOMPRESS_ZLIB:
            import zlib
            try:
                raw = zlib.decompress(bytes(v[s.offset + CHDR.size:s.offset + s.size]))
            except zlib.error as e:
                raise self.error(f"section {s.name}: corrupt compressed data: {e}") from None
        elif ctype == ELFCOMPRESS_ZSTD:          # gcc -gz=zstd
            from ..zstd import decompress
            try:
                raw = decompress(bytes(v[s.offset + CHDR.size:s.offset + s.size]), csize)
            except ValueError as e:
                raise self.error(f"section {s.name}: corrupt compressed data: {e}") from None
        else:
            raise self.error(f"section {s.name}: unsupported compression type {ctype}")
        if len(raw) != csize:
            raise self.error(f"section {s.name}: decompressed size {len(raw)} does not match the compression "
                             f"header's {csize}")
        s.data_override = raw
        self.cacheable = False
        s.size = csize
        if calign > MAX_ALIGN:
            raise self.error(f"section {s.name}: alignment 0x{calign:x} is too large")
        s.align = calign or 1
        s.flags &= ~SHF_COMPRESSED

    def _decompress_gnu(self, s: InputSection) -> None:
        """The old GNU form (gcc -gz=zlib-gnu): .zdebug_X is "ZLIB", the size (8 bytes, big-endian)
        and a zlib stream; bfd links it as .debug_X."""
        import zlib
        v = self.view
        if s.size < 12 or s.type == SHT_NOBITS:
            raise self.error(f"section {s.name}: truncated compression header")
        want = int.from_bytes(bytes(v[s.offset + 4:s.offset + 12]), "big")
        try:
            raw = zlib.decompress(bytes(v[s.offset + 12:s.offset + s.size]))
        except zlib.error as e:
            raise self.error(f"section {s.name}: corrupt compressed data: {e}") from None
        if len(raw) != want:
            raise self.error(f"section {s.name}: decompressed size {len(raw)} does not match the compression "
                             f"header's {want}")
        s.data_override = raw
        self.cacheable = False
        s.size = want
        s.name = ".debug" + s.name[7:]

    def _extended_indices(self, n: int, imap) -> None:
        """Rewrite st_shndx of SHN_XINDEX symbols to the index SHT_SYMTAB_SHNDX holds for them (in the
        internal numbering, see `parse`), so esyms[i][3] is final."""
        ext = self.symtab_shndx
        esyms = self.esyms
        for i, e in enumerate(esyms):
            sh = e[3]
            if sh == SHN_XINDEX:
                if ext is None or i >= len(ext):
                    raise self.error(f"symbol {i} has st_shndx SHN_XINDEX but no SHT_SYMTAB_SHNDX entry")
                real = ext[i]
                if not 0 < real < n:
                    raise self.error(f"symbol {i} has bad extended section index {real}")
                esyms[i] = (e[0], e[1], e[2], imap(real), e[4], e[5])

    # --- symbol helpers used by later passes ---
    def sym_shndx(self, i: int) -> int:
        """st_shndx of symbol i: a reserved value (SHN_UNDEF, SHN_ABS, SHN_COMMON) or the index into
        self.sections (extended indices resolved at parse time)."""
        return self.esyms[i][3]

    def local_section(self, i: int):
        """The InputSection a local symbol is defined in (None for ABS/undefined/discarded)."""
        sh = self.esyms[i][3]
        if sh == SHN_UNDEF or SHN_LORESERVE <= sh <= 0xffff:
            return None
        if sh >= len(self.sections):
            raise self.error(f"symbol {i} has bad section index {sh}")
        return self.sections[sh]

    def __repr__(self):
        return self.name


from .objparse import parse as parse_object      # noqa: E402  (it imports this module's constants' users)
