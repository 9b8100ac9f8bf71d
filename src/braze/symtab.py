""".symtab/.strtab/.shstrtab: local symbols per file (FILE first), linker-defined locals, then globals."""
from __future__ import annotations

import _struct as struct

from .elf import (SHT_SYMTAB, SHT_SYMTAB_SHNDX, SHT_NOBITS, SHF_MERGE, SYM, STB_LOCAL, STB_GLOBAL, STB_WEAK,
                  STT_SECTION, STT_FILE, STT_TLS, STT_FUNC, STT_OBJECT, STV_HIDDEN, STV_INTERNAL, SHN_ABS,
                  SHN_UNDEF, SHN_LORESERVE, SHN_XINDEX, STT_GNU_IFUNC, STB_GNU_UNIQUE, SHF_TLS, SHF_ALLOC)
from .address import sym_addr, plt_addr, pde_ifunc_plt, undef_value
from .inputs.object import InputSection
from .sections import Chunk, merged_offset
from .diag import LinkError
from .symbols import NONE, SHARED, COMMON, LOCAL_LINKER_SYMS, Symbol
from .synthetic.strtab import StrTab

TYPE_CHECKING = False
if TYPE_CHECKING:     # (no `typing` at run time: see symbols.py)
    from typing import Any, Final


# Symbol tables of at least this many entries are written by symwrite.py (native byte stores, in mypy's
# runtime library, whose import a small link does not pay for).
_FAST_MIN_SYMS: Final = 2000


# st_info values of neither an STT_GNU_IFUNC nor an STB_GNU_UNIQUE symbol (SymTab._mark_gnu_osabi)
_NOT_GNU_INFO: Final = bytes(b for b in range(256) if b & 0xf != STT_GNU_IFUNC and b >> 4 != STB_GNU_UNIQUE)
ELFOSABI_GNU: Final = 3


class SymTab(Chunk):
    def __init__(self, strtab: StrTab) -> None:
        super().__init__(".symtab", SHT_SYMTAB, 0, 8, 24)
        self.strtab = strtab
        self.link = strtab      # type: ignore[assignment]
        self.locals: list = []     # (kind, name offset, ...): see write()
        self.globals: list = []
        self.shndx_table: SymTabShndx | None = None   # with 0xff00 or more output sections
        # name offsets of the linker-made locals the target's bfd writes as SHN_ABS in PIC output
        self.abs_names: set[int] = set()
        self.tail = 0           # how many of the last locals stay last (the target's PLT mapping symbol)

    def _sec(self, o: int, shndx: int) -> int:
        """st_shndx for the symbol at file offset o in a section numbered shndx: past the reserved
        range the number goes to .symtab_shndx and the symbol says SHN_XINDEX."""
        if shndx < SHN_LORESERVE:
            return shndx
        tbl = self.shndx_table
        assert tbl is not None
        tbl.entries[(o - self.offset) // 24] = shndx
        return SHN_XINDEX

    def update_size(self, ctx) -> None:
        self.size = 24 * (1 + len(self.locals) + len(self.globals))
        self.info = 1 + len(self.locals)

    def write(self, ctx, buf) -> None:
        rows = self.rows(ctx)
        o: int = self.offset + 24
        if len(rows) >= _FAST_MIN_SYMS:
            from . import symwrite
            if symwrite.HAVE_WRITER:
                symwrite.put(buf, o, rows)
                self._mark_gnu_osabi(ctx, buf)
                return
        pack = SYM.pack_into
        for r in rows:
            pack(buf, o, *r)
            o += 24
        self._mark_gnu_osabi(ctx, buf)

    def _mark_gnu_osabi(self, ctx, buf) -> None:
        """bfd marks the output ELFOSABI_GNU when the symbols it writes to .symtab include an
        STT_GNU_IFUNC or STB_GNU_UNIQUE one (not for what only .dynsym holds, nor what -s/-x drop;
        an LTO object's local IFUNC counts as any other), whatever the inputs' headers said: the
        written st_info bytes are what decides, read in one slice.  The ELF header is written
        before this table (writer._write_headers reads ctx.gnu_osabi when it writes it again)."""
        start: int = self.offset + 24 + 4
        if bytes(buf[start:self.offset + self.size:24]).translate(None, _NOT_GNU_INFO):
            ctx.gnu_osabi = True
            buf[7] = ELFOSABI_GNU

    def rows(self, ctx) -> list[tuple[int, int, int, int, int, int]]:
        """Every entry after the null one: (st_name, st_info, st_other, st_shndx, st_value, st_size)."""
        out: list[tuple[int, int, int, int, int, int]] = []
        o: int = self.offset + 24       # (the entry's file offset: SHN_XINDEX entries are keyed by it)
        tls_start: int = ctx.tls_start
        # (typed so that the compiled loop reads tuple items and section fields natively: an
        # untyped entry cost generic item, attribute and arithmetic calls, ~2,500 instructions each)
        ent: tuple
        e: tuple[int, ...]
        sec: InputSection | None
        value: int
        shndx: int
        kind: int
        typ: int
        s: Symbol
        outs: dict[Any, tuple[int, int]] = {}   # output section -> (address, index): read once each
        for ent in self.locals:
            kind = ent[0]
            if kind == 0:                       # FILE
                out.append((ent[1], (STB_LOCAL << 4) | STT_FILE, 0, SHN_ABS, 0, 0))
            elif kind == 1:                     # local from an object: (1, name, obj, index, section, esym)
                sec = ent[4]
                e = ent[5]
                typ = e[1] & 0xf
                if sec is None:
                    shndx, value = SHN_ABS, e[4]
                else:
                    m = sec.merge
                    if m is not None:
                        value = m[0].addr + merged_offset(m, e[4])
                        shndx = m[0].out.shndx
                    else:
                        osec = sec.out
                        ai = outs.get(osec)
                        if ai is None:
                            ai = outs[osec] = (osec.addr, osec.shndx)
                        if sec.is_eh_frame and e[1] <= 1 and osec is ctx.syn.eh_frame:
                            # (bfd moves only a local NOTYPE/OBJECT symbol with the records)
                            value = ai[0] + osec.symbol_offset(sec, e[4])
                        else:
                            value = ai[0] + sec.out_off + e[4]
                        shndx = ai[1]
                    if shndx >= SHN_LORESERVE:
                        shndx = self._sec(o, shndx)
                    if typ == STT_TLS:
                        value = (value - tls_start) & 0xffffffffffffffff   # wraps, as bfd, outside PT_TLS
                out.append((ent[1], (STB_LOCAL << 4) | typ, e[2], shndx, value, e[5]))
            elif kind == 2:                     # a global symbol made local (bfd: visibility cleared)
                _, name, s, typ = ent
                f = self._sym_fields(ctx, o, name, s, STB_LOCAL, typ)
                if name in self.abs_names:
                    f = (f[0], f[1], f[2], SHN_ABS, f[4], f[5])
                out.append(f)
            elif kind == 3:                     # a linker-made local nothing referenced
                name, typ, chunk = ent[1], ent[2], ent[3]     # (ent[4]: the output section, when
                sh = ent[4] if len(ent) > 4 else chunk        #  chunk is a part of one)
                shndx = SHN_ABS if name in self.abs_names else self._sec(o, sh.shndx)
                out.append((name, (STB_LOCAL << 4) | typ, 0, shndx,
                            chunk.addr - tls_start if typ == STT_TLS else chunk.addr, 0))
            else:                               # a linker-made local with its own value and size
                _, name, typ, chunk, value, size = ent
                out.append((name, (STB_LOCAL << 4) | typ, 0, self._sec(o, chunk.shndx), value, size))
            o += 24
        for name, s in self.globals:
            out.append(self._sym_fields(ctx, o, name, s, None))
            o += 24
        return out

    def _sym_fields(self, ctx, o: int, name: int, s: Symbol, bind: int | None,
                    local_type: int | None = None) -> tuple[int, int, int, int, int, int]:
        typ = s.type if local_type is None else local_type
        if bind is None:
            bind = s.bind if s.bind != STB_LOCAL else STB_GLOBAL
            if bind == STB_GNU_UNIQUE and s.rank == SHARED:
                bind = STB_GLOBAL   # bfd: UNIQUE only if a regular object defines it (not a copy reloc)
        other = s.visibility if bind != STB_LOCAL else 0
        size = s.size
        if s.rank >= COMMON or s.copyrel or s.linker_defined:
            sec = s.section
            out = getattr(sec, "out", None) if sec is not None else None
            if s.script_abs:
                shndx = SHN_ABS
            elif out is not None:
                shndx = self._sec(o, out.shndx)
            elif sec is not None and hasattr(sec, "shndx") and not isinstance(sec, InputSection):
                shndx = self._sec(o, sec.shndx)
            elif getattr(sec, "merge", None) is not None:     # in a merged constant/string section
                shndx = self._sec(o, sec.merge[0].out.shndx)
            else:
                shndx = SHN_ABS
                if s.linker_defined:
                    c = _section_of_addr(ctx, s.value)
                    if c is None and s.name in _HEADER_SYMS:
                        c = _first_alloc(ctx)   # bfd: the headers' segment's first section, not ABS
                    if c is not None:
                        shndx = self._sec(o, c.shndx)
            value = sym_addr(ctx, s)
            if typ == STT_TLS:
                value = (value - ctx.tls_start) & 0xffffffffffffffff   # wraps, as bfd, outside PT_TLS
            elif typ == 10 and pde_ifunc_plt(ctx, s):
                c = _section_of_addr(ctx, plt_addr(ctx, s))
                typ, value, size = STT_FUNC, plt_addr(ctx, s), 0
                if c is not None:
                    shndx = self._sec(o, c.shndx)
        else:
            shndx = SHN_UNDEF
            value = undef_value(ctx, s)
            other = 0 if s.rank == SHARED else other
            typ = STT_FUNC if typ == 10 else typ
            size = 0
            bind = STB_GLOBAL if s.ref_strong else STB_WEAK
            if not s.ref_regular and id(s) in ctx.weakdef_symtab:
                bind = ctx.weakdef_symtab[id(s)]     # (the weak alias's reference's binding)
        return (name, (bind << 4) | typ, other | s.sto_flags, shndx, value, size)


class SymTabShndx(Chunk):
    """.symtab_shndx: the section index of each .symtab entry whose st_shndx is SHN_XINDEX (else 0)."""

    def __init__(self, symtab: SymTab) -> None:
        super().__init__(".symtab_shndx", SHT_SYMTAB_SHNDX, 0, 4, 4)
        self.link = symtab      # type: ignore[assignment]
        self.symtab = symtab
        self.entries: dict[int, int] = {}

    def update_size(self, ctx) -> None:
        self.size = self.symtab.size // 24 * 4

    def write(self, ctx, buf) -> None:
        pack = struct.pack_into
        for i, shndx in self.entries.items():
            pack("<I", buf, self.offset + 4 * i, shndx)


def _section_of_addr(ctx, v):
    """The allocated section holding address v (or ending at it), None if none does."""
    best = None
    for c in ctx.chunks:
        if c.flags & 2 and not (c.flags & 0x400 and c.type == 8) and c.addr <= v <= c.addr + c.size:
            best = c
            if c.addr <= v < c.addr + c.size:
                return c
    return best


# linker-defined symbols at the ELF header, which no section holds (__executable_start: where the
# default script's first statement sets it, before any section)
_HEADER_SYMS = ("__ehdr_start", "__executable_start")


def _first_alloc(ctx):
    best = None
    for c in ctx.chunks:
        if c.flags & 2 and c.size and (best is None or c.addr < best.addr):
            best = c
    return best


def build_symtab(ctx, chunks) -> list:
    cfg = ctx.config
    if cfg.retain_symbols is not None and (cfg.strip_all or cfg.strip_debug):
        # bfd: "`-retain-symbols-file' overrides `-s' and `-S'", though a later -s still strips
        raise LinkError("option --retain-symbols-file together with -s/-S is not supported")
    # (bfd's .shstrtab: the symbol and string tables' names first, then the sections' in their
    # order, a name that ends another stored inside it: .plt in .rela.plt)
    shstr = StrTab(".shstrtab", False, tail_merge=True)
    tabs: list[Chunk]
    if cfg.strip_all:
        tabs = [shstr]
    else:
        strtab = StrTab(".strtab", False)
        st = SymTab(strtab)
        locs = st.locals
        add = strtab.add
        discard = cfg.discard
        objs: list
        labels_everywhere = labels_in_merge = False
        if discard == "all":            # -x: no object-file locals at all, FILE symbols included
            objs = []
        else:
            note = _property_note_home(ctx, chunks)
            objs = _objects_in_output_order(ctx, chunks, note)
            labels_everywhere = discard == "locals"
            labels_in_merge = discard == "sec_merge"
        keep = cfg.retain_symbols
        unique: dict[str, int] | None = {} if cfg.z_unique_symbol else None
        needed: set = set()
        if cfg.emit_relocs or ctx.target.keep_section_symbols:
            # bfd: a symbol per output section first (for the relocations --emit-relocs keeps)
            from .emitrelocs import section_symbols, needed_locals
            locs.extend(section_symbols(chunks))
            if cfg.emit_relocs:
                needed = needed_locals(ctx)
        name: str
        names: list[str]
        # (tuple[int, ...]: items are read natively from the boxed tuple, which goes into the entry as
        # it is; a fixed-length tuple type would be unboxed whole here and boxed again)
        esyms: list[tuple[int, ...]]
        e: tuple[int, ...]
        typ: int
        sh: int
        k: int
        judged: bytearray
        secs: list
        i: int
        for obj in objs:
            first = True        # bfd names the file first, from the object's FILE symbols or its name
            names = obj.sym_names
            esyms = obj.esyms
            secs = obj.sections
            if note is not None and obj is note.file and note.shndx:
                secs = list(secs)           # (its $d and other locals there point into the merged note)
                secs[note.shndx] = note
            nsecs = len(secs)
            # per section, judged once for all its locals: 0 not yet, 1 gone, 2 kept, 3 kept and SHF_MERGE
            judged = bytearray(nsecs)
            for i in range(1, obj.first_global):
                e = esyms[i]
                typ = e[1] & 0xf
                if typ == STT_SECTION:
                    continue
                name = names[i]
                if keep is not None and name not in keep:
                    continue                # --retain-symbols-file (a FILE symbol too: see below)
                if typ == STT_FILE:         # kept even when none of the file's other locals are
                    if obj.lto_output:
                        continue            # (bfd: the compiler's temporary name, dropped for reproducibility)
                    locs.append((0, strtab.add(name)))
                    first = False
                    continue
                if labels_everywhere and is_local_label(name) and (id(obj), i) not in needed:
                    continue
                sh = e[3]                   # (ObjectFile.sym_shndx)
                sec = None
                if sh != SHN_ABS:
                    if sh == SHN_UNDEF or sh >= nsecs:
                        continue
                    sec = secs[sh]
                    k = judged[sh]
                    if k == 0:
                        if sec is None or not sec.alive or (sec.out is None and sec.merge is None) or \
                                sec.out is not None and getattr(sec.out, "dropped", False):
                            k = 1
                        else:
                            k = 3 if sec.flags & SHF_MERGE else 2
                        judged[sh] = k
                    if k == 1:
                        continue
                    if labels_in_merge and k == 3 and is_local_label(name) and \
                            (id(obj), i) not in needed:
                        continue
                if first:
                    # (an LTO output's locals get a FILE symbol with no name in bfd)
                    fname = "" if obj.lto_output else _file_sym(obj)
                    locs.append((0, strtab.add(fname)))
                    first = False
                if unique is not None:
                    name = unique_name(unique, name)
                locs.append((1, strtab.add(name), obj, i, sec, e))
        glob = st.globals
        hidden = []
        cmdline_undefs = set(cfg.undefined) | getattr(ctx, "cmdline_refs", set())
        exe_forced: set = _exe_forced_local(ctx) if ctx.dynamic and not cfg.shared else set()
        emitted = getattr(ctx, "emit_globals", ())     # --emit-relocs: what the relocations name stays
        s: Symbol
        shared: bool = bool(cfg.shared)
        gc_sections: bool = bool(cfg.gc_sections)
        symtab: dict[str, Symbol] = ctx.symtab
        weak_zero = ctx.weak_zero
        # the global definition bfd pairs with a referenced weak data import (libc's __environ for
        # environ) is in .symtab too (passes._weakdef_imports)
        weakdef_symtab: dict[int, int] = ctx.weakdef_symtab
        unlisted: set = ctx.script_unlisted
        # HIDDEN(sym = …) in a script: local (an object's hidden reference alone leaves it GLOBAL HIDDEN)
        script_hidden: set = ctx.script_hidden
        for name, s in symtab.items():
            if unlisted and id(s) in unlisted:
                continue        # a linker script's symbol bfd defines in *UND* (scriptlayout._Dropped)
            if emitted and id(s) in emitted and s.rank == NONE and not s.linker_defined:
                glob.append((strtab.add(name), s))
                continue
            if s.rank == NONE and not s.linker_defined and not s.ref_regular:
                continue
            if s.rank == SHARED and not s.copyrel and (not s.ref_regular or
                                                        gc_sections and not s.used_in_reloc) \
                    and id(s) not in weakdef_symtab:
                continue        # (--gc-sections: bfd hides an import that no kept section uses)
            if s.rank == NONE and not s.ref_regular:
                continue
            if s.linker_defined and s.rank == NONE and not s.ref_regular:
                continue
            sec = s.section
            if (s.rank >= COMMON and isinstance(sec, InputSection) and not s.copyrel
                    and (not sec.alive or (sec.out is None and sec.merge is None))):
                continue        # defined in a section --gc-sections dropped: bfd omits it too
            if s.rank == NONE and not s.linker_defined and (not s.ref_strong or id(s) in weak_zero) \
                    and s.dynsym_idx < 0 and not shared:
                continue        # bfd drops an executable's undefined weak (or ignored) symbols resolved to 0
            if s.rank == NONE and not s.linker_defined and not s.used_in_reloc and \
                    (not shared or gc_sections) and (s.ref_strong or shared) and \
                    name not in cmdline_undefs:
                continue        # no kept relocation uses it (see passes._check_undefined); -u names stay
            if s.rank == NONE and not s.linker_defined and s.visibility != 0:
                continue        # and a library's hidden/protected/internal ones (resolved to 0 too)
            if s.rank == NONE and not shared and name == "__tls_get_addr" and not s.linker_defined \
                    and not (gc_sections and s.used_in_reloc):
                # an executable's TLS calls, all relaxed, left it undefined: bfd omits it, except
                # under --gc-sections, where a kept section's (relaxed) call keeps it UND GLOBAL
                continue
            if s.linker_defined and name in LOCAL_LINKER_SYMS:
                if name == "_GLOBAL_OFFSET_TABLE_" and getattr(ctx, "got_omitted", False):
                    continue    # no GOT section (only a bare symbol-table reference): bfd omits it
                hidden.append((2, add(name), s, _LINKER_LOCAL_TYPES.get(name, s.type)))
            elif (s.hidden_local or (shared and s.visibility in (STV_HIDDEN, STV_INTERNAL) and not
                                     (s.linker_defined and s.dynsym_idx >= 0)) or
                  (id(s) in script_hidden) or id(s) in exe_forced) and \
                    (s.rank >= COMMON or s.linker_defined):       # hidden_local: a version script's local:
                # bfd makes a library's hidden definitions local; an executable's stay GLOBAL HIDDEN
                if s.dyn_version is not None and not s.dyn_version[1]:
                    name = f"{name}@@{s.dyn_version[0]}"     # the .symver name, also when made local
                hidden.append((2, add(name), s, s.type))
            else:
                if s.dyn_version is not None and not s.dyn_version[1]:
                    name = f"{name}@@{s.dyn_version[0]}"     # as the object named it (.symver)
                elif s.rank == SHARED and s.verneed:
                    name = f"{name.partition('@')[0]}@{s.verneed}"   # an import, named as bfd does
                glob.append((strtab.add(name), s))
        glob.extend((add(v.name), v) for v in ctx.version_syms)
        hidden.extend(_unreferenced_linker_locals(ctx, chunks, add))
        if keep is not None:
            hidden, glob[:] = _retained(strtab, keep, hidden, glob)
        if hidden and any(ent[0] == 0 for ent in locs):
            locs.append((0, add("")))   # bfd: the locals that follow belong to no input file
        locs.extend(hidden)
        plt = ctx.syn.plt
        if ctx.target.plt_mapping_symbol and plt is not None and (plt in chunks or plt.embedded_in is not None) \
                and plt.header_size():
            locs.append((3, add(ctx.target.plt_mapping_symbol), 0, plt))
            st.tail = 1         # (add_linker_locals puts the veneers' symbols before it)
        if keep is not None:
            _repack_strtab(strtab, locs, glob)
        if cfg.pic:
            for n in ctx.target.pic_abs_linker_locals:
                off = strtab.map.get(n)
                if off is not None:
                    st.abs_names.add(off)
        tabs = [st, strtab, shstr]
        if len(chunks) + len(tabs) + 1 >= SHN_LORESERVE:     # (+1: section 0)
            st.shndx_table = SymTabShndx(st)
            tabs.insert(1, st.shndx_table)
    for c in tabs + chunks:
        shstr.add(c.name)
    for t in tabs:
        t.update_size(ctx)
    ctx.shstrtab = shstr
    return tabs


def add_linker_locals(ctx, syms) -> None:
    """Locals a target makes during layout (aarch64 veneers and their mapping symbols), after the
    other locals as bfd writes them: syms are (name, type, output section, value, size)."""
    st = next((c for c in ctx.chunks if isinstance(c, SymTab)), None)
    if st is None or not syms:
        return
    add = st.strtab.add
    new: list = []
    if not any(ent[0] == 0 and ent[1] == 0 for ent in st.locals) and any(ent[0] == 0 for ent in st.locals):
        new.append((0, add("")))
    new.extend((4, add(n), typ, c, value, size) for n, typ, c, value, size in syms)
    at = len(st.locals) - st.tail
    st.locals[at:at] = new
    st.update_size(ctx)
    st.strtab.update_size(ctx)
    if st.shndx_table is not None:
        st.shndx_table.update_size(ctx)


def unique_name(counts: dict, name: str) -> str:
    """-z unique-symbol: an input file's local gets `.N` (N in hex: 0 for the first of its name, 1 for
    the next...), as bfd appends it to every such local; linker-made locals keep their names."""
    n = counts.get(name, 0)
    counts[name] = n + 1
    return f"{name}.{n:x}"


def _retained(strtab, keep, hidden, glob):
    """--retain-symbols-file: the linker-made locals and the globals whose names FILE lists.  An
    import from a versioned library is known to bfd by its default-version name (`printf@@GLIBC_2.2.5`,
    written `printf@GLIBC_2.2.5`), so only that spelling keeps it."""
    names = {o: n for n, o in strtab.map.items()}
    hidden = [h for h in hidden if names[h[1]] in keep]
    out = []
    for ent in glob:
        n = names[ent[0]]
        s = ent[1]
        if "@" in n and getattr(s, "rank", None) == SHARED and "@@" not in n:
            n = n.replace("@", "@@", 1)
        if n in keep:
            out.append(ent)
    return hidden, out


def _repack_strtab(strtab, locs, glob) -> None:
    """.strtab again with only the names of the symbols kept (--retain-symbols-file dropped others).
    (bfd also stores a name that ends another inside it, in .symtab's order: not done for .strtab,
    which is not loaded; it cost a third of the symbol table pass on big links.)"""
    names = {o: n for n, o in strtab.map.items()}
    strtab.reset()
    add = strtab.add
    for i, ent in enumerate(locs):
        locs[i] = (ent[0], add(names[ent[1]])) + tuple(ent[2:])
    for i, ent in enumerate(glob):
        glob[i] = (add(names[ent[0]]),) + tuple(ent[1:])


def _exe_forced_local(ctx: Any) -> set[int]:
    """id()s of an executable's hidden definitions that bfd writes LOCAL: those it tried to make
    dynamic (-E, a dynamic list, a library defining or referencing the name while no object had
    hidden it (Symbol.dyn_tried), a PLT32 call in a PIE)
    and then kept local because they are hidden. Other hidden definitions stay GLOBAL HIDDEN."""
    cfg = ctx.config
    symtab: dict[str, Symbol] = ctx.symtab
    # (a linker-defined symbol an object refers to as hidden, __start_X or _end, counts too: bfd's
    # -E pass tries every symbol an object defines or refers to)
    cand = {id(s): s for s in symtab.values()
            if s.visibility in (STV_HIDDEN, STV_INTERNAL) and
            (s.rank >= COMMON and not s.linker_defined or s.linker_defined and s.ref_regular)}
    if not cand:
        return set()
    out: set[int] = set()
    export_all: bool = bool(cfg.export_dynamic)
    listed = ctx.dynamic_listed
    for k, s in cand.items():
        if export_all or s.ref_dynamic or s.dyn_tried or k in listed:
            out.add(k)
    if cfg.pie and len(out) < len(cand):
        # (a byte per symbol of each object: a typed loop, not a find() per PLT32-called symbol)
        seen: list[int]      # (arch scan_section's pc_seen)
        syms: list[Symbol | None]
        i: int
        b: int
        for obj in ctx.objs:
            if not obj.pc_seen:
                continue
            seen = obj.pc_seen
            syms = obj.syms
            for i in range(obj.first_global, len(seen)):
                b = seen[i]
                if b == 2 or b == 3:     # pc_seen bit 2: a PLT32 reference was scanned
                    sy = syms[i]
                    if sy is not None and sy.visibility and id(sy) in cand:
                        out.add(id(sy))
    return out


def _property_note_home(ctx, chunks: list[Any]) -> InputSection | None:
    """bfd merges the inputs' .note.gnu.property into the first object that has one and keeps that
    object's section as the output's: its local symbols (aarch64's $d) stay, in the merged note, and
    the object's locals come where the note is in the output (first, before .text's). An input
    section standing for it, placed in the merged note (syn.property), or None."""
    prop = ctx.syn.property
    if prop is None or prop not in chunks:
        return None
    from .properties import note_home, has_note
    obj = note_home([o for o in ctx.objs if not getattr(o, "synthetic", False)])
    if obj is None or getattr(obj, "esyms", None) is None or getattr(obj, "view", None) is None:
        return None
    if not has_note(obj):           # (the note made for -z force-bti/ibt in the last object: no symbols)
        home = InputSection(obj, 0, ".note.gnu.property", (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        home.out = prop
        return home
    from .inputs.elfhdr import read_headers
    from .elf import ET_REL
    v = obj.view
    _e, shdrs, shstrndx = read_headers(v, obj.error, ET_REL)
    tab = shdrs[shstrndx]
    want = b".note.gnu.property\0"
    for i in range(1, min(len(shdrs), 0xff00)):
        sh = shdrs[i]
        if bytes(v[tab[4] + sh[0]:tab[4] + sh[0] + len(want)]) == want and i < len(obj.sections):
            sec = InputSection(obj, i, ".note.gnu.property", sh)
            sec.out = prop
            return sec
    return None


def _objects_in_output_order(ctx, chunks: list[Any], note: InputSection | None = None) -> list[Any]:
    """The objects in the order bfd writes their locals: it walks the output sections in order, and
    each one's input sections in order, and writes an object's locals when it first meets one of its
    sections (empty ones count); an object none of whose sections is in the output has none written,
    not even its FILE symbol. Sections in an output section without contents (.bss, .tbss) do not
    count: bfd's ldwrite makes no link orders there, so an object --gc-sections left with only
    those has no locals written. `note`: the object whose note became the merged .note.gnu.property."""
    seen: dict[Any, None] = {}
    members: list[Any] | None
    last: Any = None
    dynobj: Any = None
    if note is not None:
        interp = ctx.syn.interp
        if interp is not None and interp in chunks and chunks.index(interp) < chunks.index(note.out) and \
                ctx.objs and not (ctx.dsos and ctx.dsos[0].order < ctx.objs[0].order):
            dynobj = ctx.objs[0]
    for c in chunks:
        if c.type == SHT_NOBITS:
            continue
        if note is not None and c is note.out:
            f = note.file
            if dynobj is not None and dynobj not in seen:
                # .interp before it: bfd made that in its dynobj, the first input file (when an
                # object: its locals come first, then the note's)
                seen[dynobj] = None
            if f not in seen:
                seen[f] = None
            continue
        members = getattr(c, "members", None)
        if members is None:
            inputs = getattr(c, "inputs", None)         # .eh_frame
            if not inputs:
                continue
            # bfd (bfd_elf_discard_info) walks back from the last input and excludes (SEC_EXCLUDE)
            # the empty ones up to the last with records, passing over crtend's lone zero
            # terminator (which stays: __FRAME_END__ points there); an input left empty before
            # that stays, and its object's locals are written (a -static --gc-sections link's
            # archive members whose functions all went)
            kept: set[int] = set()
            for r in c.records:
                sec = r.sec
                if sec is not last:         # (an input's records are consecutive)
                    last = sec
                    kept.add(id(sec))
            upto = len(inputs)
            while upto > 0 and id(inputs[upto - 1]) not in kept:
                upto -= 1
            members = list(inputs[:upto])
            members.extend(m for m in inputs[upto:] if m.size and not any(m.data))
        for m in members:
            f = getattr(m, "file", None)
            if f is None:
                f = getattr(m, "owner", None)           # a merged section's Fragment
                if f is None:
                    continue
            if f is not last:               # (consecutive members mostly come from one file)
                last = f
                if f not in seen:
                    seen[f] = None
    return [f for f in seen if getattr(f, "esyms", None) is not None]


def is_local_label(name: str) -> bool:
    """bfd's local-label names (ELF): assembler temporaries `.L…`, `..…`, `_.L_…`, and the fake
    symbols `L<digit>^A…`.  (bfd's check also walks `L<digits>^B…` forms, but with 2.40 they are
    kept: only ^A right after the first digit makes one local, as measured.)"""
    c = name[:1]
    if c == ".":
        return name[1:2] in ("L", ".")
    if c == "_":
        return name.startswith("_.L_")
    return c == "L" and len(name) > 2 and name[1] in "0123456789" and name[2] == "\x01"


def _file_sym(obj):
    """An object without FILE symbols is named as bfd names it: by its (archive member's) base name."""
    from . import _os as os
    name = obj.name
    if name.endswith(")") and "(" in name:
        name = name[name.index("(") + 1:-1]
    return os.path.basename(name)


# bfd's linker-made locals: the ones its x86-64 backend creates are objects
_LINKER_LOCAL_TYPES = {"_DYNAMIC": STT_OBJECT, "_GLOBAL_OFFSET_TABLE_": STT_OBJECT}


def _unreferenced_linker_locals(ctx, chunks, add) -> list:
    """The locals bfd defines whether or not anything refers to them: _DYNAMIC in a dynamic link,
    __GNU_EH_FRAME_HDR with a .eh_frame_hdr, _GLOBAL_OFFSET_TABLE_ whenever there is a GOT, and on some targets
    _TLS_MODULE_BASE_ whenever there is TLS."""
    syn = ctx.syn
    want = []
    if ctx.dynamic and syn.dynamic is not None and syn.dynamic in chunks:
        want.append(("_DYNAMIC", STT_OBJECT, syn.dynamic))
    if syn.eh_frame_hdr is not None and syn.eh_frame_hdr in chunks:
        # (a static link's too, when it asks for --eh-frame-hdr as rustc's -static links do: bfd's
        # _bfd_elf_maybe_strip_eh_frame_hdr defines it for every .eh_frame_hdr it keeps)
        want.append(("__GNU_EH_FRAME_HDR", 0, syn.eh_frame_hdr))
    # (one laid out among an output section's inputs by a script counts when it has words: its
    # value is their address; scriptlayout gave the chunk that section's index)
    def placed(g):
        return g in chunks or g.embedded_in is not None and g.size
    got = syn.gotplt if placed(syn.gotplt) else syn.got if placed(syn.got) else None
    if ctx.target.got_symbol_at_got and placed(syn.got):
        got = syn.got
    if got is not None:
        want.append(("_GLOBAL_OFFSET_TABLE_", STT_OBJECT, got))
    if ctx.target.tls_module_base_local:
        tls = next((c for c in chunks if c.flags & SHF_TLS and c.flags & SHF_ALLOC), None)
        if tls is not None:
            want.append(("_TLS_MODULE_BASE_", STT_TLS, tls))
    out: list[tuple] = []
    for name, typ, chunk in want:
        s = ctx.symtab.get(name)
        if s is not None and s.linker_defined:
            continue            # referenced: already written from the symbol table
        if chunk is syn.gotplt and ctx.target.got_symbol_at_got and syn.gotplt.merged_got is not None:
            # (-z now's one .got: at the .got words after .got.plt's, in the section holding both)
            out.append((3, add(name), typ, syn.gotplt.merged_got, syn.gotplt))
        else:
            out.append((3, add(name), typ, chunk))
    return out
