"""Output sections: mapping input sections to output sections (bfd's default script), merging
SHF_MERGE sections, and the Chunk base class that every output section (incl. synthetic) derives from."""
from __future__ import annotations

from _bisect import bisect_right     # the C module itself: bisect.py is one more import per link
from itertools import accumulate

from .chunks import Chunk, OutputSection     # noqa: F401  (re-exported: braze imports them from here)
from .diag import LinkError
from .elf import (SHT_PROGBITS, SHT_NOBITS, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY, SHF_ALLOC,
                  SHF_GROUP, SHF_MERGE, SHF_STRINGS, SHF_INFO_LINK, SHF_LINK_ORDER, SHF_GNU_RETAIN)
from .symbols import COMMON, Symbol
from .inputs.objparse import InputSection

TYPE_CHECKING = False
if TYPE_CHECKING:     # `typing` costs ~10 ms of start-up; annotations are never evaluated
    from typing import Any, Final

# out_section's flag masks as native constants (the elf module's names are boxed globals, looked up
# and unboxed on each of a link's thousands of calls)
_NOT_OUT: Final = SHF_GROUP | SHF_MERGE | SHF_STRINGS | SHF_INFO_LINK | SHF_LINK_ORDER | SHF_GNU_RETAIN
_MERGE_STRINGS: Final = SHF_MERGE | SHF_STRINGS
_RETAIN: Final = SHF_GNU_RETAIN
_NOBITS: Final = SHT_NOBITS


def _python_class(cls: Any) -> Any:
    """Keeps a class an ordinary Python class under mypyc (any decorator mypyc does not know does):
    fragments are output section members, given attributes all over braze, which a native class
    refuses; only MergedSection's per-piece loops are worth compiling."""
    return cls


@_python_class
class _Unterminated(bytes):
    """Bytes after a string section's last NUL: kept as they are, never shared with anything."""
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


class MergedSection:
    """Deduplicated contents of SHF_MERGE input sections with equal (name, flags, entsize, align).

    Laid out as bfd's merge.c does, so that .rodata and .debug_str come out the same: each kept
    piece belongs to the input section that brought it first, and lands where that input section
    would (a Fragment per input section, placed among the ordinary input sections); a string that
    is the tail of another ("world" of "hello world") is placed inside it (tail merging, decided
    once all inputs are in: finish()); NUL runs after a string are padding; in sections aligned > 1
    each string is aligned only as far as its input offset was.  Offsets (merge tuples' `outs`)
    are relative to the output section: place() sets them once the members have their offsets."""

    def __init__(self, name: str, flags: int, entsize: int, align: int, strings: Any):
        self.name: str = name
        self.flags: int = flags
        self.entsize: int = entsize
        self.align: int = align
        self.strings: bool = bool(strings)
        self.pieces: dict[bytes, Any] = {}   # -> alignment, or (alignment, input no.) when aligned > 1
        self.refs: Any = []        # per input section the list of its pieces (-> offsets in place())
        self.bounds: list[int] = []   # len(pieces) after each input (unaligned strings, constants)
        self.keys: list[Any] = []  # per input section its place among the output section's members
        self.files: list[Any] = []  # per input section its object (a Fragment's owner)
        self.frags: list[Any] = []
        self.off: Any = None       # piece -> (fragment no., offset in it), from finish() to place()
        self.groups: Any = None    # or per fragment its pieces (_finish_packed), from finish() to place()
        self.suffix: Any = None    # tail-merged string -> (the longer string, offset in it)
        self.out: Any = None
        self.key: Any = name       # the output section's key (its name, or a --unique section's own)
        self.lst: Any = None       # the script statement's member list (scriptlayout.py)

    @property
    def addr(self) -> int:
        return int(self.out.addr)

    def add(self, sec: Any) -> None:
        data = bytes(sec.data)
        pieces = self.pieces
        a = self.align
        no = len(self.keys)
        parts: list[bytes]
        starts: Any
        self.keys.append(section_order_key(self.name, sec))
        self.files.append(sec.file)
        if self.strings:
            if self.entsize == 1:
                parts = data.split(b"\0")
                tail = parts.pop()        # bytes after the last NUL (normally empty)
                starts = [0]
                starts += accumulate([len(p) + 1 for p in parts])
                if tail:
                    parts.append(_Unterminated(tail))
                else:
                    starts.pop()
            else:
                parts, starts = _split_wide(data, self.entsize)
            if a == 1:
                pieces.update(dict.fromkeys(parts, 1))
            else:
                # bfd: a string is aligned as far as its input offset is (up to the section's
                # alignment); an empty one counts only at an aligned offset (elsewhere it is padding);
                # a string seen again with a larger alignment is moved to the end.
                pos: int
                al: int
                for p, pos in zip(parts, starts):
                    if p:
                        al = pos & -pos if pos else a
                        if al > a:
                            al = a
                    elif pos & (a - 1):
                        continue
                    else:
                        al = a
                    old = pieces.get(p)
                    if old is None:
                        pieces[p] = (al, no)
                    elif old[0] < al:
                        del pieces[p]
                        pieces[p] = (al, no)
        else:
            es = self.entsize
            starts = range(0, len(data) - len(data) % es, es)
            parts = [data[pos:pos + es] for pos in starts]
            pieces.update(dict.fromkeys(parts, a))
        self.bounds.append(len(pieces))
        self.refs.append(parts)
        sec.merge = (self, starts, parts)

    def finish(self) -> list[Any]:
        """Tail-merge the strings and lay out the kept pieces per input section: [(key, Fragment)]."""
        pieces = self.pieces
        a = self.align
        suffix: dict[bytes, tuple[bytes, int]] = {}
        if self.strings:
            suffix = _tail_merge(pieces) if a == 1 else _tail_merge_aligned(pieces, self.entsize)
        self.suffix = suffix
        if a == 1 or not self.strings and not self.entsize % a:
            return self._finish_packed(suffix)
        strings = self.strings
        nul = bytes(self.entsize)          # a string's terminator: one NUL character
        nlen = len(nul)
        off: dict[bytes, tuple[int, int]] = {}
        self.off = off
        frags: list[Any] = []
        out: list[bytes] = []
        aligned = self.strings         # (else constants: grouped by input section as `bounds` says)
        bounds = self.bounds
        pos = 0
        cur = -1
        b = 0
        i = -1
        no: int
        al: int
        for p, v in pieces.items():
            i += 1
            if aligned:
                al, no = v
            else:
                while bounds[b] <= i:
                    b += 1
                no, al = b, v
            if p in suffix:
                continue
            if no != cur:
                if out:
                    frags.append((self.keys[cur], Fragment(self, b"".join(out), self.files[cur])))
                out = []
                pos = 0
                cur = no
            pad = -pos & (al - 1)
            if pad:
                out.append(bytes(pad))
                pos += pad
            off[p] = (len(frags), pos)
            out.append(p)
            if strings and type(p) is bytes:
                out.append(nul)
                pos += nlen
            pos += len(p)
        if out:
            frags.append((self.keys[cur], Fragment(self, b"".join(out), self.files[cur])))
        self.frags = [f for _, f in frags]
        return frags

    def _finish_packed(self, suffix: dict[bytes, tuple[bytes, int]]) -> list[Any]:
        """finish() when no piece needs padding (strings aligned to 1, constants whose size is a
        multiple of the alignment): each input section's new pieces are one join, in bulk; their
        offsets are counted in place(), once the fragments have theirs."""
        plist = list(self.pieces)
        sep = bytes(self.entsize) if self.strings else b""
        bounds = self.bounds
        frags: list[Any] = []
        groups: list[list[bytes]] = []
        lo = 0
        hi: int
        for no in range(len(bounds)):
            hi = bounds[no]
            if hi == lo:
                continue
            grp = plist[lo:hi]
            lo = hi
            if suffix:
                grp = [p for p in grp if p not in suffix]
                if not grp:
                    continue
            if sep and type(grp[-1]) is bytes:     # each string's terminator (not after a rest without one)
                grp.append(b"")
                data = sep.join(grp)
                grp.pop()
            else:
                data = sep.join(grp)
            frags.append((self.keys[no], Fragment(self, data, self.files[no])))
            groups.append(grp)
        self.groups = groups
        self.frags = [f for _, f in frags]
        return frags

    def place(self) -> None:
        """Input offsets -> offsets in the output section, now that the fragments have theirs."""
        base = [f.out_off for f in self.frags]
        off: dict[bytes, int]
        if self.groups is not None:
            off = {}
            step = self.entsize if self.strings else 0
            pos: int
            for grp, b in zip(self.groups, base):
                pos = b
                for p in grp:
                    off[p] = pos
                    pos += len(p) + step
            for p, (e, d) in self.suffix.items():
                off[p] = off[e] + d
        else:
            off = {p: base[fno] + o for p, (fno, o) in self.off.items()}
            for p, (e, d) in self.suffix.items():
                fno, o = self.off[e]
                off[p] = base[fno] + o + d
        if b"" not in off:
            off[b""] = base[0] if base else 0     # a reference into padding
        get = off.__getitem__
        for parts in self.refs:
            parts[:] = map(get, parts)
        self.refs = self.off = self.groups = self.suffix = None


@_python_class
class Fragment:
    """The pieces of a MergedSection that one input section brought first: an output section member
    where that input section would have been."""
    type = SHT_PROGBITS
    file = None
    merge = None
    alive = True
    rel_size = 0        # (no relocations: writer's jobs skip it without a failed attribute lookup)

    def __init__(self, ms, data, owner):
        self.ms = ms
        self.owner = owner          # the object whose input section brought these pieces
        self.name = ms.name
        self.align = ms.align
        self.data = data
        self.size = len(data)
        self.out = None
        self.out_off = 0


def _tail_merge(pieces: dict[bytes, Any]) -> dict[bytes, tuple[bytes, int]]:
    """Strings that are the tail of another: {string: (the longer string, offset in it)}.  Sorted
    by reversed bytes, a tail comes right after (walking down) the strings that end in it; bfd
    compares each with the last string it kept only, and so does this."""
    revs = sorted([p[::-1] for p in pieces if type(p) is bytes])
    suffix: dict[bytes, tuple[bytes, int]] = {}
    if not revs:
        return suffix
    e = revs[-1]
    eo: bytes | None = None
    for i in range(len(revs) - 2, -1, -1):
        r = revs[i]
        if e.startswith(r):
            if eo is None:
                eo = e[::-1]
            suffix[r[::-1]] = (eo, len(e) - len(r))
        else:
            e = r
            eo = None
    return suffix


def _split_wide(data: bytes, es: int) -> tuple[list[bytes], list[int]]:
    """(strings, their offsets) of a section of es-byte characters: a string ends at a NUL character
    (es zero bytes at a character boundary); the NUL characters after it are padding, each an
    empty string of its own (as the 1-byte split gives them); a rest without NUL stays as it is."""
    zero = bytes(es)
    find = data.find
    n = len(data)
    parts: list[bytes] = []
    starts: list[int] = []
    pos = 0
    while pos < n:
        q = find(zero, pos)
        while q >= 0 and (q - pos) % es:
            q = find(zero, q + es - (q - pos) % es)
        if q < 0:
            parts.append(_Unterminated(data[pos:]))
            starts.append(pos)
            break
        parts.append(data[pos:q])
        starts.append(pos)
        pos = q + es
        while pos < n and data[pos:pos + es] == zero:
            parts.append(b"")
            starts.append(pos)
            pos += es
    return parts, starts


def _tail_merge_aligned(pieces: dict[bytes, Any], entsize: int = 1) -> dict[bytes, tuple[bytes, int]]:
    """_tail_merge for strings with alignments: a tail must keep its own alignment inside the
    longer string (so with es-byte characters it starts on a character), and when all strings have
    one alignment, larger than a character, bfd sorts by length modulo it first."""
    items = [(p, v[0]) for p, v in pieces.items() if type(p) is bytes]
    if not items:
        return {}
    als = {al for _, al in items}
    # (sorted through keys made first, not a key function: a lambda here would be a class of its own
    # in the compiled module, made at every link's start-up)
    keyed: list[tuple[Any, Any, int]]
    if len(als) == 1 and next(iter(als)) > entsize:
        m = next(iter(als)) - 1
        keyed = sorted([(len(p) & m, p[::-1], i) for i, (p, _) in enumerate(items)])
    else:
        keyed = sorted([(p[::-1], 0, i) for i, (p, _) in enumerate(items)])
    items = [items[k[2]] for k in keyed]
    suffix: dict[bytes, tuple[bytes, int]] = {}
    e, ea = items[-1]
    for i in range(len(items) - 2, -1, -1):
        p, al = items[i]
        d = len(e) - len(p)
        if ea >= al and not d & (al - 1) and d > 0 and e.endswith(p):
            suffix[p] = (e, d)
        else:
            e, ea = p, al
    return suffix


def common_symbols(symtab: dict[str, Symbol]) -> list[Symbol]:
    """The defined COMMON symbols, in symbol table order: a compiled walk over every symbol of the
    link (interpreted, the attribute reads on ~100 000 native Symbols cost milliseconds)."""
    return [s for s in symtab.values() if s.rank == COMMON and s.file is not None]


def merged_offset(merge: Any, off: int) -> int:
    """Output offset (within the MergedSection) of input offset `off`."""
    ms, starts, outs = merge
    i = bisect_right(starts, off) - 1
    if i < 0:
        return off
    return outs[i] + (off - starts[i])


_PREFIX_MAP = [
    (".text", ".text"), (".rodata", ".rodata"), (".data.rel.ro", ".data.rel.ro"),
    (".gnu.linkonce.d.rel.ro.", ".data.rel.ro"), (".data", ".data"),
    (".bss", ".bss"), (".tdata", ".tdata"), (".tbss", ".tbss"), (".init_array", ".init_array"),
    (".fini_array", ".fini_array"), (".ctors", ".init_array"), (".dtors", ".fini_array"),
    (".gcc_except_table", ".gcc_except_table"), (".lbss", ".lbss"), (".ldata", ".ldata"),
    (".lrodata", ".lrodata"), (".gnu.linkonce.t.", ".text"), (".gnu.linkonce.r.", ".rodata"),
    (".gnu.linkonce.d.", ".data"), (".gnu.linkonce.b.", ".bss"), (".gnu.linkonce.td.", ".tdata"),
    (".gnu.linkonce.tb.", ".tbss"), (".tcommon", ".tbss"), (".gnu.linkonce.lr.", ".lrodata"),
    (".gnu.linkonce.lb.", ".lbss"), (".gnu.linkonce.l.", ".ldata"),
]


def is_c_identifier(name: str) -> bool:
    """[A-Za-z_][A-Za-z0-9_]*: the section names that get __start_/__stop_ symbols."""
    return name.isidentifier() and name.isascii()


def output_name(name: str, flags: int, obj) -> str:
    if not flags & SHF_ALLOC:
        # (bfd's default script: `.debug_info : { *(.debug_info .gnu.linkonce.wi.*) }`,
        # `.debug_line : { *(.debug_line .debug_line.* .debug_line_end) }`)
        if name.startswith(".gnu.linkonce.wi."):
            return ".debug_info"
        if name.startswith(".debug_line.") or name == ".debug_line_end":
            return ".debug_line"
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
    if name.startswith(".gnu_extab"):          # (bfd's `*(.gnu_extab*)`, `*(.exception_ranges*)`)
        return ".gnu_extab"
    if name.startswith(".exception_ranges"):
        return ".exception_ranges"
    if name == ".rodata1" or name == ".data1":
        return name
    return name


def _named_or_under(name: str, group: str) -> bool:
    """`*(GROUP GROUP.*)`: the section GROUP itself or one under it (.text.exit, .text.exit.x), not a
    longer name sharing its prefix (-ffunction-sections' .text.exitScheduler is a plain .text.*)."""
    return name.startswith(group) and (len(name) == len(group) or name[len(group)] == ".")


def text_subgroup(name: str) -> int:
    """bfd's .text ordering: unlikely, exit, startup, hot, sorted, then the rest (its default script:
    `*(.text.unlikely .text.*_unlikely .text.unlikely.*) *(.text.exit .text.exit.*)
    *(.text.startup .text.startup.*) *(.text.hot .text.hot.*) *(SORT(.text.sorted.*))`)."""
    if not name.startswith(".text."):
        return 5
    if _named_or_under(name, ".text.unlikely") or name.endswith("_unlikely"):
        return 0
    if _named_or_under(name, ".text.exit"):
        return 1
    if _named_or_under(name, ".text.startup"):
        return 2
    if _named_or_under(name, ".text.hot"):
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


def linked_section(sec: InputSection) -> Any:
    """The input section a SHF_LINK_ORDER section's sh_link names, or None (sh_link is a plain
    section index: past 0xff00 an object's sections are numbered 0x100 higher, objparse._imap)."""
    link: int = sec.link
    secs: list[Any] = sec.file.sections
    if link >= 0xff00 and len(secs) > 0xff00:
        link += 0x100
    if 0 < link < len(secs):
        return secs[link]
    return None


def link_order(chunks: list[Any]) -> list[Any]:
    """bfd's SHF_LINK_ORDER output: an output section holding input sections linked to others has
    the rest of its members first, then those in the order of the sections they are linked to
    (input order among the ones linked to one section); it is SHF_LINK_ORDER itself, linked to the
    output section of its first input's, when its first input is one.  (Metadata such as
    __patchable_function_entries or clang's __sancov_pcs then follows its functions' order.)  The
    output sections whose members moved, to be sized again."""
    changed: list[Any] = []
    pos: dict[Any, tuple[int, int]] | None = None
    lo: int = SHF_LINK_ORDER
    for c in chunks:
        members: list[Any] | None = getattr(c, "members", None)
        if not members:
            continue
        linked: list[tuple[Any, Any]] = []
        for m in members:
            if type(m) is InputSection and m.flags & lo:
                to = linked_section(m)
                if to is not None and to.alive and to.out is not None:
                    linked.append((m, to))
        if not linked:
            continue
        if pos is None:
            pos = {}
            for i in range(len(chunks)):
                ms: list[Any] = getattr(chunks[i], "members", None) or []
                for j in range(len(ms)):
                    pos[ms[j]] = (i, j)
        first = members[0]
        keyed = []
        order_of = pos
        for k in range(len(linked)):
            m, to = linked[k]
            keyed.append((order_of.get(to, (len(chunks), 0)), k, m))
        keyed.sort()
        moved = {m for m, _to in linked}
        c.members = [m for m in members if m not in moved] + [t[2] for t in keyed]
        if linked[0][0] is first:
            c.flags |= lo
            c.link = linked[0][1].out
        changed.append(c)
    return changed


def section_order_key(outname: str, sec: InputSection) -> tuple:
    """The order of input sections in an output section: bfd's default script lists several input
    descriptions for some (each taking its inputs in file order), and sorts some by name."""
    f = sec.file
    base = (f.order, sec.shndx)
    if outname == ".text":
        g = text_subgroup(sec.name)
        return (g, sec.name if g == 4 else "") + base      # (SORT(.text.sorted.*))
    if outname == ".data.rel.ro":
        n = sec.name
        return (0 if n.startswith(".data.rel.ro.local") or n.startswith(".gnu.linkonce.d.rel.ro.local.")
                else 1,) + base
    if outname == ".tbss":
        return (1 if sec.name == ".tcommon" else 0,) + base
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


def bin_inputs(objs: list[Any], outs: dict[Any, Any], merged: dict[Any, Any], eh_inputs: list[Any],
               members: dict[Any, list[Any]], unique: Any, unwind: Any, strip: bool,
               ranks: dict[str, int]) -> None:
    """passes.bin_sections' walk over every input section: .eh_frame inputs to `eh_inputs`, SHF_MERGE
    ones into their MergedSection (`merged`), the others with their order key to `members` (per output
    section key, made in `outs`).  Compiled: synth-16x has ~40 000 input sections."""
    merge_f: int = SHF_MERGE
    strings_f: int = SHF_STRINGS
    group_f: int = SHF_GROUP
    flags: int
    name: str
    sec: InputSection | None        # (typed: its fields are native reads)
    for obj in objs:
        for sec in obj.sections:
            if sec is None or not sec.alive:
                continue
            name = sec.name
            flags = sec.flags
            if not flags & SHF_ALLOC:
                if strip:
                    if name.startswith((".debug", ".zdebug", ".line", ".stab")):
                        sec.alive = False
                        continue
            t = sec.type
            if name == ".eh_frame" and (t == SHT_PROGBITS or t == unwind):
                sec.is_eh_frame = True
                eh_inputs.append(sec)
                continue
            oname = output_name(name, flags, obj)
            key: Any = oname
            if unique is not None and unique.matches(name, oname, sec):
                oname = name                # its own output section, placed as bfd places orphans
                key = unique.key(name)
            if oname != name and name.startswith((".ctors", ".dtors")) and name[6:7] in ("", "."):
                reverse_ctors(sec)
            # (strings are padded to the alignment each: an absurd one, from a corrupt input, is not merged)
            # (as bfd: 2- and 4-byte strings merge like 1-byte ones; not merged: a size that is not a
            # whole number of entries, and entries smaller than the alignment unless they are
            # power-of-two characters, or larger and not a multiple of it)
            if flags & merge_f and sec.entsize and not sec.size % sec.entsize and \
                    t == SHT_PROGBITS and not sec.rel_size and sec.align <= 4096 and \
                    mergeable_entsize(sec.entsize, sec.align or 1, flags & strings_f):
                mkey = (key, flags & ~group_f, sec.entsize, sec.align)
                ms = merged.get(mkey)
                if ms is None:
                    ms = merged[mkey] = MergedSection(oname, flags & ~group_f, sec.entsize, sec.align,
                                                      bool(flags & strings_f))
                    ms.out = out_section(outs, oname, sec, key, unwind, ranks)
                    ms.key = key
                ms.add(sec)
                sec.out = None
                continue
            out_section(outs, oname, sec, key, unwind, ranks)
            lst = members.get(key)
            if lst is None:
                lst = members[key] = []
            lst.append((section_order_key(oname, sec), sec))


def out_section(outs: dict[Any, Any], oname: str, sec: InputSection, key: Any, unwind: Any,
                ranks: dict[str, int]) -> Any:
    """The OutputSection `key` (made from `sec` if new) with `sec`'s flags merged in, as bfd's
    lang_add_section does; `ranks` names the default script's sections (SHF_GNU_RETAIN stays on
    orphans only)."""
    key = key or oname
    os_ = outs.get(key)
    sflags: int = sec.flags
    flags = sflags & ~_NOT_OUT
    if sflags & _RETAIN and oname not in ranks:
        flags |= _RETAIN                    # bfd keeps it on orphan sections only
    if os_ is None:
        t = sec.type
        if t == unwind:                 # the psABI's unwind section type: output as PROGBITS, as bfd
            t = SHT_PROGBITS
        os_ = outs[key] = OutputSection(oname, t, flags)
        if oname == ".init_array":
            os_.type = SHT_INIT_ARRAY
        elif oname == ".fini_array":
            os_.type = SHT_FINI_ARRAY
        elif oname == ".preinit_array":
            os_.type = SHT_PREINIT_ARRAY
        if os_.type in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY):
            os_.entsize = 8
        if sflags & _MERGE_STRINGS:
            os_.flags |= sflags & _MERGE_STRINGS
            os_.entsize = sec.entsize
    else:
        # bfd's lang_add_section: the merge flags and entry size stay while every input agrees
        mflags = sflags & _MERGE_STRINGS
        oflags: int = os_.flags
        if (oflags & _MERGE_STRINGS) != mflags or (mflags and os_.entsize != sec.entsize):
            oflags &= ~_MERGE_STRINGS
            if os_.type not in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY):
                os_.entsize = 0
        os_.flags = oflags | flags
        if os_.type == _NOBITS and sec.type != _NOBITS:
            os_.type = SHT_PROGBITS
    return os_


def mergeable_entsize(es: int, align: int, strings: int) -> bool:
    """bfd's check before merging a section (merge.c): entries smaller than the alignment only for
    strings of power-of-two characters, larger ones only in whole multiples of it."""
    if es < align:
        return bool(strings) and not es & (es - 1)
    return es == align or not es % align


def write_members(members: list[Any], buf: Any, base: int) -> None:
    """OutputSection.write's copy of its members' bytes to buf[base:] (compiled: synth-16x has ~40 000
    members, each a handful of attribute reads in the interpreted loop)."""
    isec: InputSection
    o: int
    for m in members:
        if type(m) is InputSection:
            isec = m
            d = isec.data
            o = base + isec.out_off
        else:
            d = m.data
            o = base + m.out_off
        if d is not None:
            n = len(d)
            if n:
                buf[o:o + n] = d


def code_gaps(members: list[Any]) -> list[tuple[int, int]]:
    """The (start, end) offsets of the room between an output section's members (alignment
    padding), in order."""
    out: list[tuple[int, int]] = []
    end: int = 0
    o: int
    for m in members:
        o = m.out_off
        if o > end:
            out.append((end, o))
        o += m.size
        if o > end:
            end = o
    return out


def place_members(members: list[Any], align: int) -> tuple[int, int]:
    """OutputSection.update_size's walk: each member's offset (aligned), then (size, alignment).
    (An InputSection's fields are read and set natively; other members through their attributes.)"""
    off: int = 0
    a: int
    size: int
    isec: InputSection
    for m in members:
        native = type(m) is InputSection
        if native:
            isec = m
            a, size = isec.align, isec.size
        else:
            a, size = m.align, m.size
        if a > align:
            align = a
        off = (off + a - 1) & -a
        if native:
            isec.out_off = off
        else:
            m.out_off = off
        off += size
    return off, align
