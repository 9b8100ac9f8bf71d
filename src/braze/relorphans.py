"""Where ld.bfd puts the orphans of a relocatable link laid out by a `-T` script (kbuild's module.lds
has no `.text`, `.data` or `.bss` statement: nearly every section is an orphan there).

bfd places each orphan in input order (files in order, sections by index) with ldelf_place_orphan:
an output section of the same name takes it when their flags agree (group members always get one of
their own); otherwise the orphan gets a new output section after the script section named for its
kind (.text, .rodata, .tdata, .data, .bss, .interp for notes, .comment), or, when the script has
none, after the last output section whose bfd flags match (lang_output_section_find_by_flags: an
exact match becomes the kind's anchor for later orphans), else ahead of everything.  The section
list (the order of the section headers) is then shuffled by lang_insert_orphan: the new section goes
right after the anchor's section, later orphans of the kind after the earlier ones, loaded notes
grouped by alignment.  Debugging sections have no kind: they go last, in the order they come.

This module replays that on braze's output sections, which carry `bflags` (bfd's SEC_* view of their
flags, as lang_add_section ORs them together), `etype` (the ELF type bfd gives the output section:
the special-section table's, else the first input's) and `align` (bfd's alignment_power then: the
statement's ALIGN(N) and the inputs')."""
from __future__ import annotations

from .elf import (SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR, SHF_TLS, SHT_NOBITS, SHT_NOTE, SHT_PROGBITS,
                  SHT_RELA, SHT_REL)

# bfd's section flags as far as orphan placement looks at them (own numbering)
HAS_CONTENTS = 1
ALLOC = 2
LOAD = 4
READONLY = 8
CODE = 16
DATA = 32
THREAD_LOCAL = 64
DEBUGGING = 128
_EXACT = HAS_CONTENTS | ALLOC | LOAD | READONLY | CODE | THREAD_LOCAL
# SHF_MASKOS | SHF_MASKPROC: flags that keep a -r orphan out of a same-named output section
_MASK_OS_PROC = 0xfff00000
_DEBUG_PREFIXES = (".debug", ".gnu.debuglto_.debug_", ".gnu.linkonce.wi.", ".zdebug", ".line", ".stab")


def bfd_flags(flags: int, typ: int, name: str) -> int:
    """An input section's flags as bfd reads them (_bfd_elf_make_section_from_shdr)."""
    f = 0
    if typ != SHT_NOBITS:
        f |= HAS_CONTENTS
    if flags & SHF_ALLOC:
        f |= ALLOC
        if typ != SHT_NOBITS:
            f |= LOAD
    if not flags & SHF_WRITE:
        f |= READONLY
    if flags & SHF_EXECINSTR:
        f |= CODE
    elif f & LOAD:
        f |= DATA
    if flags & SHF_TLS:
        f |= THREAD_LOCAL
    if not f & ALLOC and (name.startswith(_DEBUG_PREFIXES) or name == ".gdb_index"):
        f |= DEBUGGING
    return f


def add_input(out, bf: int) -> None:
    """lang_add_section's flags: OR'd, READONLY only while every input (and data) has it."""
    if out.bflags < 0:
        out.bflags = bf
    else:
        out.bflags = (out.bflags & (bf | ~READONLY)) | (bf & ~READONLY)


def add_data(out) -> None:
    """A data command (BYTE…): contents, allocated, loaded; read-only when it makes the section."""
    if out.bflags < 0:
        out.bflags = HAS_CONTENTS | ALLOC | LOAD | READONLY
    else:
        out.bflags |= HAS_CONTENTS | ALLOC | LOAD


def _exact(lf: int, differ: int) -> bool:
    """lang_output_section_find_by_flags' exact match: no flag that matters differs."""
    return not differ & _EXACT


class Stmt:
    """An output section statement of bfd's list (the script's, then the orphans' inserted)."""
    __slots__ = ("name", "out", "flags", "addr", "align")

    def __init__(self, name: str, out=None, addr=0, align=1):
        self.name = name
        self.out = out
        self.flags = 0          # bfd's statement flags, looked at while it has no section
        self.addr = addr        # its address expression's value (an orphan's: 0), None: none
        self.align = align      # its ALIGN(N)


class _Place:
    __slots__ = ("name", "flags", "os", "section", "stmt")

    def __init__(self, name, flags):
        self.name = name
        self.flags = flags
        self.os = None          # the anchor statement
        self.section = None     # the section later orphans follow (_HEAD: the list's start)
        self.stmt = None        # the last statement inserted for this kind


_HEAD = object()
_HOLD = (("text", ".text", HAS_CONTENTS | ALLOC | LOAD | READONLY | CODE),
         ("rodata", ".rodata", HAS_CONTENTS | ALLOC | LOAD | READONLY | DATA),
         ("tdata", ".tdata", HAS_CONTENTS | ALLOC | LOAD | DATA | THREAD_LOCAL),
         ("data", ".data", HAS_CONTENTS | ALLOC | LOAD | DATA),
         ("bss", ".bss", ALLOC),
         ("rel", None, HAS_CONTENTS | ALLOC | LOAD | READONLY | DATA),
         ("interp", ".interp", HAS_CONTENTS | ALLOC | LOAD | READONLY | DATA),
         ("nonalloc", ".comment", HAS_CONTENTS))


class Placer:
    """bfd's lists during lang_place_orphans: `stmts`, the output section statements (the first one
    *ABS*), and `secs`, the output sections in the order the file will have them."""

    def __init__(self, stmts: list, secs: list):
        self.abs = Stmt("*ABS*")
        self.stmts = [self.abs] + stmts
        self.secs = secs
        self.by_name: dict = {}
        for st in stmts:
            self.by_name.setdefault(st.name, []).append(st)
        self.places = {k: _Place(n, f) for k, n, f in _HOLD}
        self.init_done = False
        self.first_orphan_note = None

    # ------------------------------------------------------------ the section list
    def _next(self, sec):
        i = self.secs.index(sec) + 1
        return self.secs[i] if i < len(self.secs) else None

    def _prev(self, sec):
        i = self.secs.index(sec)
        return self.secs[i - 1] if i else None

    def _move_before(self, snew, other) -> None:
        self.secs.remove(snew)
        self.secs.insert(self.secs.index(other), snew)

    def _move_after(self, snew, other) -> None:
        self.secs.remove(snew)
        self.secs.insert(self.secs.index(other) + 1, snew)

    @staticmethod
    def _loaded_note(sec) -> bool:
        return sec.etype == SHT_NOTE and sec.bflags >= 0 and bool(sec.bflags & LOAD)

    # ------------------------------------------------------------ placing one orphan
    def place(self, name: str, bf: int, typ: int, align: int, grouped: bool, compatible, make, add):
        """The output section orphan `name` (bfd flags bf, ELF type typ, alignment align) goes to:
        an existing one of that name when `compatible(out)`, else a new one from `make(name)`,
        placed as bfd places it; `add(out)` puts the input section in (before the new section
        moves: its flags count)."""
        if not grouped:
            match_by_name = None
            for st in self.by_name.get(name, ()):
                if st.out is not None and (st.out.bflags <= 0 or not (bf ^ st.out.bflags) & (LOAD | ALLOC)
                                           and compatible(st.out)):
                    add(st.out)
                    return st.out
                if st.out is None:
                    match_by_name = st
            if match_by_name is not None:
                match_by_name.out = make(name)
                # (bfd's init_os gives the section the statement's ALIGN(N))
                match_by_name.out.align = max(match_by_name.out.align, match_by_name.align)
                match_by_name.out.stmt_align = match_by_name.align
                self.secs.append(match_by_name.out)
                add(match_by_name.out)
                return match_by_name.out
        if not self.init_done:
            self.init_done = True
            for p in self.places.values():
                if p.name is not None:
                    p.os = self._find(p.name)
                    if p.os is not None and p.os.flags == 0:
                        p.os.flags = p.flags
        kind = self._kind(bf, typ)
        after = None
        place = None
        if kind is not None:
            place = self.places[kind]
            if place.os is None and place.name is not None:
                place.os = self._find(place.name)
            after = place.os
            if after is None:
                after, exact = self._find_by_flags(bf, typ, True)
                if exact:
                    place.os = after
            if after is None:
                after = self.abs
        return self._insert(name, typ, bf, align, after, place, make, add)

    def _find(self, name):
        lst = self.by_name.get(name)
        return lst[0] if lst else None

    @staticmethod
    def _kind(bf: int, typ: int):
        if not bf & (ALLOC | DEBUGGING):
            return "nonalloc"
        if not bf & ALLOC:
            return None                 # debugging: no place, at the end
        if bf & LOAD and typ == SHT_NOTE:
            return "interp"
        if not bf & (LOAD | HAS_CONTENTS | THREAD_LOCAL):
            return "bss"
        if bf & THREAD_LOCAL:
            return "tdata"
        if not bf & READONLY:
            return "data"
        if bf & LOAD and typ in (SHT_RELA, SHT_REL):
            return "rel"
        if not bf & CODE:
            return "rodata"
        return "text"

    def _find_by_flags(self, sf: int, typ: int, match: bool):
        """lang_output_section_find_by_flags: (statement, whether it matched exactly)."""
        found = self._last(sf, typ, match, _exact)
        if found is not None:
            return found, True
        if sf & CODE and sf & ALLOC:
            want = HAS_CONTENTS | ALLOC | LOAD | CODE | THREAD_LOCAL
            found = self._last(sf, typ, match, lambda lf, d: not d & want)
        elif sf & READONLY and sf & ALLOC:
            found = self._last(sf, typ, match,
                               lambda lf, d: not d & (HAS_CONTENTS | ALLOC | LOAD | READONLY))
        elif sf & THREAD_LOCAL and sf & ALLOC:
            seen = False
            for st in self.stmts[1:]:
                lf = st.out.bflags if st.out is not None and st.out.bflags >= 0 else st.flags
                d = lf ^ (sf | LOAD | HAS_CONTENTS)
                if not d & (THREAD_LOCAL | ALLOC):
                    if not lf & LOAD and sf & LOAD:
                        break
                    found = st
                    seen = True
                elif seen:
                    break
                elif not d & (HAS_CONTENTS | ALLOC | LOAD):
                    found = st
            return found, False
        elif sf & HAS_CONTENTS and sf & ALLOC:
            found = self._last(sf, typ, match, lambda lf, d: not d & (HAS_CONTENTS | ALLOC | LOAD | THREAD_LOCAL))
        elif sf & ALLOC:
            found = self._last(sf, typ, match, lambda lf, d: not d & ALLOC)
        else:
            found = self._last(sf, typ, False, lambda lf, d: not d & DEBUGGING)
            return found, False
        if found is not None or not match:
            return found, False
        return self._find_by_flags(sf, typ, False)[0], False

    def _last(self, sf, typ, match, ok):
        found = None
        for st in self.stmts[1:]:
            lf = st.flags
            if st.out is not None:
                lf = st.out.bflags if st.out.bflags >= 0 else 0
                if match and st.out.etype != typ:
                    continue
            if ok(lf, lf ^ sf):
                found = st
        return found

    def _prev_sec(self, st):
        """output_prev_sec_find: the section of the closest statement before st that has one."""
        i = self.stmts.index(st)
        for j in range(i - 1, 0, -1):
            if self.stmts[j].out is not None:
                return self.stmts[j].out
        return None

    def _insert(self, name, typ, bf, align, after, place, make, add):
        """lang_insert_orphan."""
        snew = make(name)
        add(snew)
        st = Stmt(name, snew)
        self.by_name.setdefault(name, []).append(st)
        self.secs.append(snew)
        if after is None:
            self.stmts.append(st)
            return snew
        place_after = place.stmt is None
        if place.section is None and after is not self.abs:
            bs = after.out if after.out is not None else self._prev_sec(after)
            if bs is not None and bs is not snew:
                place.section = bs
        if place.section is None:
            place.section = _HEAD
        as_ = self.secs[0] if place.section is _HEAD else self._next(place.section)
        s_note = typ == SHT_NOTE and bool(bf & LOAD)
        if as_ is None:
            self.secs.remove(snew)
            self.secs.append(snew)
        elif s_note or self._loaded_note(as_):
            after_sec = None
            insert_after = True
            after_sec_note = False
            if s_note:
                first = None
                for sec in self.secs:
                    if sec is not snew and self._loaded_note(sec):
                        if first is None:
                            first = sec
                        if sec.align >= align:
                            after_sec = sec
                    elif first is not None:
                        break
                self.first_orphan_note = first
                after_sec_note = first is not None
                if after_sec is None and after_sec_note:
                    after_sec = first
                    insert_after = False
            elif self.first_orphan_note is not None:
                after_sec_note = True
                after_sec = as_
                for sec in self.secs[self.secs.index(as_) + 1:]:
                    if self._loaded_note(sec):
                        after_sec = sec
            if after_sec_note:
                if after_sec is not None:
                    i0 = self.stmts.index(after)
                    hit = None
                    for j in range(i0, len(self.stmts)):
                        if self._at(j, insert_after, after_sec):
                            hit = j
                            break
                    if hit is None:
                        for j in range(i0, -1, -1):
                            if self._at(j, insert_after, after_sec):
                                hit = j
                                break
                    if hit is not None:
                        place_after = True
                        after = self.stmts[hit]
                if after_sec is None or insert_after and self._next(after_sec) is not snew or \
                        not insert_after and self._prev(after_sec) is not snew:
                    if after_sec is None:
                        self.secs.remove(snew)
                        self.secs.insert(0, snew)
                    elif insert_after:
                        self._move_after(snew, after_sec)
                    else:
                        self._move_before(snew, after_sec)
            elif as_ is not snew and self._prev(as_) is not snew:
                self._move_before(snew, as_)
        elif as_ is not snew and self._prev(as_) is not snew:
            self._move_before(snew, as_)
        place.section = snew
        anchor = after if place_after else place.stmt
        self.stmts.insert(self.stmts.index(anchor) + 1, st)
        place.stmt = st
        return snew

    def _at(self, j, insert_after, after_sec) -> bool:
        if insert_after:
            return self.stmts[j].out is after_sec
        return j + 1 < len(self.stmts) and self.stmts[j + 1].out is after_sec


_PROGBITS_NAMES = frozenset((".note.GNU-stack", ".comment", ".interp", ".ctf", ".debug", ".line", ".debug_line",
                             ".debug_info", ".debug_abbrev", ".debug_aranges", ".zdebug_line", ".zdebug_info",
                             ".zdebug_abbrev", ".zdebug_aranges"))
_NOBITS_BASES = (".bss", ".tbss", ".gnu.linkonce.b", ".gnu.linkonce.n", ".noinit", ".persistent.bss")


def special_type(name: str, target) -> int:
    """The ELF type bfd's special-section table gives an output section called `name` (0: none)."""
    from .scriptlayout import _SPECIAL_SECTIONS
    for base, how, t, f in tuple(target.special_sections) + _SPECIAL_SECTIONS:
        if name == base or (how == 1 and name.startswith(base + ".")) or (how == 2 and name.startswith(base)):
            if t:
                return t
            if any(name == b or name.startswith(b + ".") for b in _NOBITS_BASES):
                return SHT_NOBITS
            return SHT_PROGBITS
    return SHT_PROGBITS if name in _PROGBITS_NAMES else 0
