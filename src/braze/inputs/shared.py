"""Shared objects (ET_DYN): exported symbols with their versions, DT_SONAME, DT_NEEDED."""
from __future__ import annotations

from .. import _os as os
import _struct as struct

from ..diag import LinkError
from .elfhdr import read_headers
from ..elf import (PHDR, SYM, DYN, ET_DYN, SHT_DYNSYM, SHT_DYNAMIC, SHT_GNU_VERSYM, SHT_GNU_VERDEF,
                   SHT_GNU_VERNEED, SHN_UNDEF, DT_SONAME, DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_AUDIT, STB_LOCAL,
                   STB_WEAK, VERSYM_HIDDEN)


# the columns of a library's definitions: st_value, st_size, st_info, st_other (the visibility and the
# bits the Target keeps, sto_flags_mask), st_shndx, and the
# .gnu.version entry (the version index, VERSYM_HIDDEN for a non-default version); memoryview formats
DEF_COLUMNS = ("Q", "Q", "B", "B", "H", "H")
_NO_COLUMNS = (b"",) * len(DEF_COLUMNS)
_HIDDEN_BIT = bytes(b & 0x80 for b in range(256))


def _hidden_flags(versyms: bytes) -> bytes:
    """A byte per row, non-zero for a non-default version (VERSYM_HIDDEN, bit 15 of the little-endian
    versym column): what the binding loops test, in C (a slice and a translate)."""
    return versyms[1::2].translate(_HIDDEN_BIT)


def _weakdef_name_key(name: str) -> tuple[int, ...]:
    """The order of bfd's last tie-break between aliases of one size and type (elf_sort_symbol): at the
    first byte where two names differ, an underscore comes first (before the end of the other name),
    otherwise the bytes compare as signed chars, the end of a name as 0. `name` is bfd's hash-table
    name, with @@VERSION for a version other than the base one."""
    return tuple(-256 if c == 0x5F else c - 256 if c >= 0x80 else c for c in name.encode()) + (0,)


class SharedFile:
    is_shared = True

    def __init__(self, path: str, view, as_needed: bool, order: int = 0, target=None, record=None):
        self.name = path
        self.target = target              # the link's Target: libraries of another machine are refused
        self.path = path
        self.view = view
        self.as_needed = as_needed
        self.order = order
        self.soname = os.path.basename(path)
        self.has_soname = False
        self.needed: list[str] = []
        self.runpath: list[str] = []       # DT_RUNPATH (or DT_RPATH) entries, unexpanded
        self.audit = ""                    # DT_AUDIT (bfd adds it to the output's DT_DEPAUDIT)
        # the definitions, one row each in .dynsym order: their names, and their other fields as columns
        # (DEF_COLUMNS): a library's record loads as a few strings instead of thousands of tuples (libc.so.6
        # on every dynamic link), and a row becomes a tuple (row()) only when a symbol binds to it
        self.def_names: list[str] = []
        self.def_cols: tuple = _NO_COLUMNS
        self.def_hidden = b""               # per row, non-zero for a non-default version (_hidden_flags)
        self._cols = None
        self._rows: dict[int, tuple] = {}
        self._defs: list[tuple] | None = None
        self.undefs: list[str] = []
        self.strong_undefs: list[tuple[str, int]] = []   # (name, version index) of non-weak references
        self.verneed_names: dict[int, str] = {}           # version index -> name, from .gnu.version_r
        self.versions: dict[int, str] = {}   # verdef index -> name
        self.is_needed = False
        self.is_alive = True
        self.copy_needed = False     # given under --copy-dt-needed-entries (or read for such a library)
        self.dt_needed = False       # read for another library's DT_NEEDED (resolve.scan_indirect_dsos)
        self.readonly_ranges: list[tuple[int, int]] = []   # [addr, end) of allocated read-only data
        self._versioned: dict | None = None
        if record is not None and (target is None or (view[18] | view[19] << 8) == target.e_machine):
            self._from_record(record)       # (a file of another machine is parsed: parse() refuses it)
        else:
            self.parse()

    def has_versym(self) -> bool:
        """Has the library a .gnu.version section (--default-imported-symver gives a version only to
        the imports of one without)? Read from the section headers, not kept in the cache record."""
        _ehdr, shdrs, _ = read_headers(self.view, self.error, ET_DYN, self.target)
        return any(sh[1] == SHT_GNU_VERSYM for sh in shdrs)

    def error(self, msg: str) -> LinkError:
        return LinkError(f"{self.name}: {msg}")

    def parse(self) -> None:
        v = self.view
        size = len(v)
        ehdr, shdrs, _shstrndx = read_headers(v, self.error, ET_DYN, self.target)
        e_phoff, e_phentsize, e_phnum = ehdr[5], ehdr[9], ehdr[10]
        if e_phentsize == 56 and e_phoff + e_phnum * 56 <= size:
            for ph in PHDR.iter_unpack(v[e_phoff:e_phoff + e_phnum * 56]):
                if ph[0] == 0x6474e552 and ph[6]:       # PT_GNU_RELRO: read-only once relocated
                    self.readonly_ranges.append((ph[3], ph[3] + ph[6]))
        dynsym = versym = verdef = verneed = dynamic = None
        for sh in shdrs:
            if sh[2] & 2 and not sh[2] & 1 and sh[5]:       # SHF_ALLOC without SHF_WRITE
                self.readonly_ranges.append((sh[3], sh[3] + sh[5]))
            t = sh[1]
            if t == SHT_DYNSYM:
                dynsym = sh
            elif t == SHT_GNU_VERSYM:
                versym = sh
            elif t == SHT_GNU_VERDEF:
                verdef = sh
            elif t == SHT_GNU_VERNEED:
                verneed = sh
            elif t == SHT_DYNAMIC:
                dynamic = sh
        if dynsym is None:
            return
        if dynsym[6] >= len(shdrs):
            raise self.error(f"corrupt .dynsym: string table index {dynsym[6]} out of range")
        strsh = shdrs[dynsym[6]]
        strtab = bytes(v[strsh[4]:strsh[4] + strsh[5]])

        if strtab.isascii():        # decode once, slice str (see object._names)
            strs = strtab.decode("ascii")

            def cstr(off):
                return strs[off:strs.find("\0", off)]
        else:
            def cstr(off):
                e = strtab.find(b"\0", off)
                return strtab[off:e].decode("utf-8", "replace")

        if dynamic is not None:
            for tag, val in DYN.iter_unpack(v[dynamic[4]:dynamic[4] + dynamic[5] - dynamic[5] % 16]):
                if tag == 0:
                    break
                if tag == DT_SONAME:
                    self.soname = cstr(val)
                    self.has_soname = True
                elif tag == DT_NEEDED:
                    self.needed.append(cstr(val))
                elif tag == DT_RUNPATH or (tag == DT_RPATH and not self.runpath):
                    self.runpath = [d for d in cstr(val).split(":") if d]
                elif tag == DT_AUDIT:
                    self.audit = cstr(val)
        if verdef is not None:
            self._parse_verdef(verdef, cstr)
        if verneed is not None:
            self._parse_verneed(verneed, cstr)
        cnt = dynsym[5] // 24
        syms = SYM.iter_unpack(v[dynsym[4]:dynsym[4] + cnt * 24])
        if versym is not None and versym[5] < 2 * cnt:
            raise self.error(f"corrupt .gnu.version: {versym[5] // 2} entries for {cnt} dynamic symbols")
        vers = struct.unpack_from(f"<{cnt}H", v, versym[4]) if versym is not None else None
        names = self.def_names
        cols: tuple[list[int], ...] = ([], [], [], [], [], [])
        values, sizes, infos, others, shndxs, versyms = cols
        undefs = self.undefs
        keep = 3 | (self.target.sto_flags_mask if self.target is not None else 0)
        for i, (st_name, info, other, shndx, value, sz) in enumerate(syms):
            if i == 0:
                continue
            bind = info >> 4
            if bind == STB_LOCAL:
                continue
            name = cstr(st_name)
            if shndx == SHN_UNDEF:
                undefs.append(name)
                if bind != STB_WEAK:
                    self.strong_undefs.append((name, vers[i] & 0x7fff if vers is not None else 0))
                continue
            ver = vers[i] if vers is not None else 1
            if not ver & 0x7fff:   # VER_NDX_LOCAL: not visible
                continue
            names.append(name)
            values.append(value)
            sizes.append(sz)
            infos.append(info)
            others.append(other & keep)
            shndxs.append(shndx)
            versyms.append(ver)
        # (struct, not the array module: importing that imports collections, ~1 ms)
        self.def_cols = tuple(struct.pack(f"<{len(c)}{t}", *c) for c, t in zip(cols, DEF_COLUMNS))
        self.def_hidden = _hidden_flags(self.def_cols[5])

    def to_record(self) -> tuple:
        """What parse() derived from the library, as plain data for the input cache (inputs/cache.py)."""
        return (self.soname, self.has_soname, self.needed, self.runpath, "\0".join(self.def_names), self.def_cols,
                self.undefs, self.strong_undefs, self.verneed_names, self.versions, self.readonly_ranges, self.audit)

    def _from_record(self, rec: tuple) -> None:
        (self.soname, self.has_soname, self.needed, self.runpath, names, self.def_cols,
         self.undefs, self.strong_undefs, self.verneed_names, self.versions, self.readonly_ranges, self.audit) = rec
        self.def_names = names.split("\0") if self.def_cols[0] else []
        self.def_hidden = _hidden_flags(self.def_cols[5])

    def columns(self) -> tuple:
        """The definitions' columns as sequences of ints (DEF_COLUMNS' order)."""
        c = self._cols
        if c is None:
            c = self._cols = tuple(memoryview(b).cast(t) for b, t in zip(self.def_cols, DEF_COLUMNS))
        return c

    def nobits_align(self, addr: int) -> int:
        """The alignment of the allocated SHT_NOBITS section holding `addr` (a definition there looks
        like a common symbol the library allocated: bfd's NEWDYNCOMMON/OLDDYNCOMMON), else 0. Read
        from the section headers only for the rare symbol that is common in an object too."""
        _ehdr, shdrs, _ = read_headers(self.view, self.error, ET_DYN, self.target)
        for sh in shdrs:
            if sh[1] == 8 and sh[2] & 2 and sh[3] <= addr < sh[3] + sh[5]:     # SHT_NOBITS, SHF_ALLOC
                return max(1, sh[8])
        return 0

    def row(self, i: int) -> tuple:
        """Definition `i` as (name, value, size, type, bind, shndx, version, hidden, visibility, other
        st_other bits): a library definition's shape wherever symbols bind to one (the same tuple on
        every call)."""
        d = self._rows.get(i)
        if d is None:
            values, sizes, infos, others, shndxs, versyms = self.columns()
            info = infos[i]
            ver = versyms[i]
            vidx = ver & 0x7fff
            d = self._rows[i] = (self.def_names[i], values[i], sizes[i], info & 0xf, info >> 4, shndxs[i],
                                 self.versions.get(vidx) if vidx > 1 else None, bool(ver & VERSYM_HIDDEN),
                                 others[i] & 3, others[i] & ~3)
        return d

    @property
    def defs(self) -> list[tuple]:
        """Every definition as a row() tuple, for the rare passes that look at all of them (built on
        first use; binding reads the names and columns)."""
        if self._defs is None:
            self._defs = [self.row(i) for i in range(len(self.def_names))]
        return self._defs

    def _parse_verdef(self, verdef, cstr) -> None:
        """Version index -> name from .gnu.version_d; every record must lie inside the section."""
        v = self.view
        off = start = verdef[4]
        end = start + verdef[5]
        for _ in range(verdef[7]):
            if off + 20 > end:
                raise self.error(f"corrupt .gnu.version_d: record at offset 0x{off:x} is outside the section")
            _ver, flags, ndx, cnt, _h, aux, nxt = struct.unpack_from("<HHHHIII", v, off)
            if off + aux + 8 > end:
                raise self.error(f"corrupt .gnu.version_d: auxiliary record of the entry at offset 0x{off:x} "
                                 f"is outside the section")
            name_off = struct.unpack_from("<I", v, off + aux)[0]
            self.versions[ndx] = cstr(name_off)
            if not nxt:
                break
            off += nxt

    def _parse_verneed(self, verneed, cstr) -> None:
        """Version index -> name of the versions this library needs (for its versioned references);
        a record outside the section ends the walk (only diagnostics use these names)."""
        v = self.view
        off = verneed[4]
        end = off + verneed[5]
        for _ in range(verneed[7]):
            if off + 16 > end:
                return
            _ver, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", v, off)
            a = off + aux
            for _ in range(cnt):
                if a + 16 > end:
                    return
                _hash, _flags, other, name_off, anext = struct.unpack_from("<IHHII", v, a)
                self.verneed_names[other & 0x7fff] = cstr(name_off)
                if not anext:
                    break
                a += anext
            if not nxt:
                break
            off += nxt

    def is_readonly(self, value: int) -> bool:
        """Is `value` inside read-only data of this library? (bfd copies such symbols into
        .data.rel.ro, which RELRO then protects, rather than into .bss.)"""
        return any(a <= value < e for a, e in self.readonly_ranges)

    def versioned(self) -> dict:
        """name@VERSION -> definition, for every versioned definition (hidden ones too); built only
        when an object makes a versioned reference."""
        if self._versioned is None:
            rows = [self.row(i) for i, v in enumerate(self.columns()[5]) if v & 0x7fff > 1]
            self._versioned = {f"{d[0]}@{d[6]}": d for d in rows if d[6] is not None}
        return self._versioned

    def at_value(self, value: int) -> list[tuple]:
        """The definitions whose st_value is `value`, in .dynsym order (a search of the value column:
        copy relocations ask this of libc.so.6's thousands of definitions)."""
        col = self.def_cols[0]
        key = value.to_bytes(8, "little")
        out = []
        i = col.find(key)
        while i >= 0:
            if not i & 7:
                out.append(self.row(i >> 3))
            i = col.find(key, i + 1)
        return out

    def copy_align(self, value: int) -> int:
        """The alignment of a copy of the data at `value` (bfd's _bfd_elf_adjust_dynamic_copy): the
        alignment of the library's section holding it, halved while the address does not honour it.
        Read from the section headers on demand (copy relocations are rare)."""
        _, shdrs, _ = read_headers(self.view, self.error, ET_DYN)
        align = 1
        for sh in shdrs:
            if sh[2] & 2 and sh[3] <= value < sh[3] + sh[5]:       # SHF_ALLOC
                align = max(sh[8], 1)
                break
        while value & (align - 1):
            align >>= 1
        return align

    def _weakdef(self, value: int) -> tuple[str | None, list[str]]:
        """bfd's weakdef pairing of the visible default-version data symbols at `value`: (the global
        definition its weak definitions are aliases of, those weak names in symbol-table order). bfd
        sorts the library's global data definitions by address, then size, then type (STT_OBJECT
        after STT_NOTYPE), then name (_weakdef_name_key), and a weak definition takes the last one of
        its address: not the first in .dynsym."""
        strong = None
        best: tuple | None = None
        weaks = []
        for d in self.at_value(value):
            if not d[7] and d[3] in (1, 0):   # (OBJECT, NOTYPE)
                if d[4] == 2:                # STB_WEAK
                    weaks.append(d[0])
                elif d[4] == 1:
                    key = (d[2], d[3], _weakdef_name_key(d[0] if d[6] is None else f"{d[0]}@@{d[6]}"))
                    if best is None or key > best:
                        best, strong = key, d[0]
        return strong, weaks

    def copy_names(self, value: int, symtab, name: str) -> tuple[str | None, list[str]]:
        """The names a copy relocation of the data at `value` gives the executable, as bfd's weakdef
        pass over this library's weak definitions has it: (the global definition there, the names to
        export). The global definition is the one bfd pairs the weak ones with (_weakdef). Each weak
        alias is taken in reverse symbol-table order (bfd's list is built by prepending); one joins the
        dynamic symbols when the global one is already there, and the global one joins when the weak
        one is. A name is referenced when the link has a symbol of that name (`symtab`); `name`: the
        name being copied (another global name there is on its own)."""
        strong, weaks = self._weakdef(value)
        if name != strong and name not in weaks:
            return name, [name]           # another global name at the address: a copy of its own
        dyn = {n for n in weaks if n == name or n in symtab}
        if strong is not None and (strong == name or strong in symtab):
            dyn.add(strong)
        if strong is not None:
            for w in reversed(weaks):
                if strong in dyn and w not in dyn:
                    dyn.add(w)
                elif w in dyn and strong not in dyn:
                    dyn.add(strong)
        return strong, [n for n in [strong] + weaks if n is not None and n in dyn]

    def aliases(self, value: int, name: str) -> list[str]:
        """The names that share `name`'s copy relocation of the data at `value`: bfd's weakdef ring,
        the global definition bfd pairs the weak ones with (_weakdef) and those weak aliases. Global definitions at one address
        are not aliases to bfd (each gets a copy of its own); without a global one, none are."""
        strong, weaks = self._weakdef(value)
        if strong is None or (name != strong and name not in weaks):
            return []
        return [strong] + weaks

    def __repr__(self):
        return self.name
