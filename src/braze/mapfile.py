"""-Map FILE / -M: the link map in GNU ld's format. Everything before "Linker script and memory map"
is bfd's text (checked against ld.bfd 2.40 in tests/test_opt_map.py), as are the LOAD lines that open
the memory map (recorded by resolve.Reader) and the closing OUTPUT line; the memory map itself is
braze's layout in bfd's line formats, without bfd's echo of its script's statements. Imported only
when a link asks for a map."""
from __future__ import annotations

from .inputs.object import InputSection
from .sections import OutputSection, Fragment


_SKIP_TYPES = (0, 2, 3, 4, 9, 18)      # SHT_NULL, SYMTAB, STRTAB, RELA, REL, SYMTAB_SHNDX: not bfd sections
_SHT_GROUP = 17
_SHT_NOTE = 7


def _headers(obj) -> list:
    """[(name, sh_type, sh_size)] of OBJ's section headers, read again from its bytes (only -Map
    asks)."""
    from .elf import SHDR
    v = obj.view
    if v is None or len(v) < 64 or bytes(v[:4]) != b"\x7fELF":
        return []
    shoff = int.from_bytes(v[0x28:0x30], "little")
    num = int.from_bytes(v[0x3c:0x3e], "little")
    strndx = int.from_bytes(v[0x3e:0x40], "little")
    if shoff == 0:
        return []
    if num == 0:
        num = SHDR.unpack_from(v, shoff)[5]
    if strndx == 0xffff:
        strndx = SHDR.unpack_from(v, shoff)[6]
    shdrs = [SHDR.unpack_from(v, shoff + 64 * i) for i in range(num)]
    so, ss = shdrs[strndx][4], shdrs[strndx][5]
    names = bytes(v[so:so + ss])
    out = []
    for sh in shdrs:
        e = names.find(b"\0", sh[0])
        out.append((names[sh[0]:e if e >= 0 else len(names)].decode("utf-8", "replace"), sh[1], sh[5], sh[4]))
    return out


def _property_notes(obj, hdrs) -> dict | None:
    """{pr_type: value} of OBJ's .note.gnu.property (the 4-byte values: the x86 and generic
    ranges bfd merges), None without that section."""
    from .elf import gnu_properties
    found = None
    v = obj.view
    for name, t, size, off in hdrs:
        if name != ".note.gnu.property" or t != _SHT_NOTE:
            continue
        found = found if found is not None else {}
        for ptype, psz, val in gnu_properties(bytes(v[off:off + size])):
            if psz == 4:
                found[ptype] = found.get(ptype, 0) | val
    return found


def _sec_line(name: str, addr: int, size: int, file: str) -> str:
    """bfd's input-section line: the name from column 1, on a line of its own when it reaches
    column 15, then address, size and file."""
    head = f" {name}\n{'':16}" if len(name) >= 14 else f" {name:<15}"
    return f"{head}0x{addr:016x} {size:#10x} {file}"


def _commons(ctx) -> list:
    """The allocated common symbols in bfd's order: its hash table's, by bucket of the final table,
    whose size grows (4051 buckets, then the primes of explain._PRIMES, when more than 3/4 full) with
    the names the link entered: the objects' global names and each kept library's dynamic symbols
    (a default version as `name`, `name@VER` and `name@@VER`, another as `name@VER`; libraries
    --as-needed dropped are taken out again)."""
    from .chunks import Blob
    syms = [s for s in ctx.symtab.values()
            if s.file is not None and isinstance(s.section, Blob) and s.section.name.endswith("COMMON")]
    if len(syms) < 2:
        return syms
    walk = _walk_positions(ctx, {s.name for s in syms})
    order = ctx.config.sort_common
    if order:       # (one walk per alignment class: passes.common_sort_pass)
        from .passes import common_sort_pass
        return sorted(syms, key=lambda s: (common_sort_pass(s, order), walk.get(s.name, 0)))
    return sorted(syms, key=lambda s: walk.get(s.name, 0))


def bfd_hash_size(ctx) -> int:
    """The number of buckets of bfd's link hash table at the end of the link (see _commons)."""
    return _table_sizes(_entry_count(ctx, _entered_names(ctx)))[-1][1]


def _dso_entries(so) -> list:
    """The names a kept library enters in bfd's table: a default version as `name`, `name@VER` and
    `name@@VER`, another as `name@VER`, an unversioned one as `name`, and its references."""
    out: list = []
    names = so.def_names
    vers = so.columns()[5]
    hidden = so.def_hidden
    versions = so.versions
    for i in range(len(names)):
        n = names[i]
        v = vers[i] & 0x7fff
        ver = versions.get(v) if v > 1 else None
        if ver is None:
            out.append(n)
        elif hidden[i]:
            out.append(n + "@" + ver)
        else:
            out.append(n)
            out.append(n + "@" + ver)
            out.append(n + "@@" + ver)
    out.extend(so.undefs)
    return out


def _entry_count(ctx, entered: list) -> int:
    """How many names bfd's table holds at the end: the objects' (`entered`), then the libraries'."""
    seen = set(entered)
    for so in ctx.dsos:
        if so.is_alive:
            seen.update(_dso_entries(so))
    return len(seen)


def _table_sizes(count: int) -> list:
    """[(k, size)]: after the k-th entry bfd's table has `size` buckets (4051 to start, the next
    prime of explain._PRIMES once more than 3/4 full), for a table that ends with `count` entries."""
    from .explain import _PRIMES
    out = [(0, 4051)]
    size = 4051
    while count > size * 3 // 4:
        k = size * 3 // 4 + 1          # (the entry that makes it grow)
        size = next(p for p in _PRIMES if p > size)
        out.append((k, size))
    return out


def common_allocation_order(ctx, commons: list, sort_common: str = "") -> list:
    """The order bfd's default script places COMMON symbols in: each input's own COMMON section
    (`*(COMMON)`, inputs in load order) holds the commons that input owns, allocated in bfd's hash
    table walk (the order of -Map's "Allocating common symbols"); with --sort-common, in one walk per
    alignment class (passes.common_sort_pass), still inside each input's section."""
    if len(commons) < 2:
        return commons
    walk = _walk_positions(ctx, {s.name for s in commons})
    pos = {id(o): i for i, o in enumerate(ctx.objs)}
    last = len(pos)
    if sort_common:
        from .passes import common_sort_pass
        return sorted(commons, key=lambda s: (pos.get(id(s.file), last), common_sort_pass(s, sort_common),
                                              walk.get(s.name, 0)))
    return sorted(commons, key=lambda s: (pos.get(id(s.file), last), walk.get(s.name, 0)))


def _walk_positions(ctx, wanted: set) -> dict:
    """{name: place in bfd's hash-table walk} for the names in `wanted` (objects' names): bfd's table
    replayed with fewer names, each entered at its place in bfd's entry order (objects first, in
    load order) and rehashed where the whole table grows. A new entry goes to the head of its chain
    and a rehash moves each chain's runs of equal hashes, lowest bucket first, to the head of their
    new chain, so the libraries' names (entered after the objects') never come between two of
    these; the objects' other names only can, by splitting such a run: they are replayed too when
    two wanted names hash alike (bfd's hash is weak: c0_38 and c0_75 collide)."""
    from .explain import _bfd_hash
    entered = _entered_names(ctx)
    growth = _table_sizes(_entry_count(ctx, entered))
    hashes = {n: _bfd_hash(n.encode()) for n in wanted}
    replay = None if len(set(hashes.values())) < len(hashes) else wanted
    table: dict = {}
    size = growth[0][1]
    g = 1

    def rehash(newsize: int) -> dict:
        new: dict = {}
        for b in sorted(table):
            chain = table[b]
            i = 0
            while i < len(chain):
                j = i + 1
                while j < len(chain) and chain[j][0] == chain[i][0]:
                    j += 1
                new.setdefault(chain[i][0] % newsize, [])[:0] = chain[i:j]
                i = j
        return new

    for k, n in enumerate(entered, 1):
        if replay is not None and n not in replay:
            continue
        while g < len(growth) and growth[g][0] < k:
            size = growth[g][1]
            table = rehash(size)
            g += 1
        h = hashes.get(n)
        if h is None:
            h = _bfd_hash(n.encode())
        table.setdefault(h % size, []).insert(0, (h, n))
    while g < len(growth):
        size = growth[g][1]
        table = rehash(size)
        g += 1
    order = [n for b in sorted(table) for _h, n in table[b] if n in wanted]
    return {n: i for i, n in enumerate(order)}


def _entered_names(ctx) -> list:
    """The global names of the link's objects in the order bfd enters them in its hash table (load
    order, each object's symbol table order)."""
    names: list = []
    seen: set = set()
    for o in ctx.objs:
        if getattr(o, "synthetic", False) or o.is_shared:
            continue
        sym_names = o.sym_names
        for i in range(o.first_global, min(len(o.esyms), len(sym_names))):
            n = sym_names[i]
            if n and n not in seen:
                seen.add(n)
                names.append(n)
    names.extend(n for n in ctx.symtab if n not in seen)
    return names


def _local_ifuncs(ctx) -> str:
    """bfd's `Local IFUNC function` notes (written to the map while it sizes the dynamic sections):
    each IFUNC the objects define that gets an IPLT slot but no dynamic symbol; the local symbols
    first, then the global ones in bfd's hash table order. Position-dependent output only: in PIE
    and shared output bfd writes part of them later, in an order braze does not reproduce (left out)."""
    from .explain import _bfd_hash_order
    from .inputs.object import ObjectFile
    plt = getattr(getattr(ctx, "syn", None), "plt", None)
    if ctx.config.pic or plt is None or not getattr(plt, "isyms", None):
        return ""
    out = []
    cand = {}
    for s in plt.isyms:
        if not isinstance(s.file, ObjectFile):
            continue
        if ctx.symtab.get(s.name) is not s:
            out.append(f"Local IFUNC function `{s.name}' in {s.file.name}\n")
        elif s.dynsym_idx < 0:
            cand[s.name] = s
    if cand:
        out.extend(f"Local IFUNC function `{n}' in {cand[n].file.name}\n"
                   for n in _bfd_hash_order(_entered_names(ctx)) if n in cand)
    return "".join(out)


def _region_attrs(text: str) -> str:
    """A MEMORY region's attributes as bfd prints them: the set ones, then `!` and the negated ones,
    each in bfd's order (a, x, r, w, l; I and L are both l)."""
    sets = [set(), set()]
    neg = 0
    for c in text.lower():
        if c == "!":
            neg = 1
        elif c in "axrwil":
            sets[neg].add("l" if c == "i" else c)
    show = ["".join(c for c in "axrwl" if c in st) for st in sets]
    return show[0] + ("!" + show[1] if show[1] else "")


def _script_discards(st, obj, name: str) -> bool:
    """Whether bfd lists a section braze drops on reading (.note.GNU-stack, .gnu.lto_*, ...) among the
    discarded ones: when the script's first statement matching it is /DISCARD/ (bfd's default script
    has one for them); a -T script without one leaves them out."""
    if st is None:
        return True
    from .scriptlayout import _file_names
    fnames = _file_names(obj)
    for m in getattr(st, "matchers", None) or ():
        if m.file_ok(obj.name, fnames) and m.match(name, fnames, 0) is not False:
            return m.stmt.name == "/DISCARD/"
    return False


def _preamble(ctx) -> str:
    """Everything before "Linker script and memory map", as bfd writes it."""
    from .explain import map_archive_members, map_as_needed, _shown
    from .inputs.object import ObjectFile
    text = ""
    arch = map_archive_members(ctx)
    if arch:
        text += "\n".join(arch[:-1]) + "\n"
    objs = [o for o in ctx.objs if isinstance(o, ObjectFile) and not o.synthetic and not o.is_shared
            and not o.just_syms and getattr(o, "view", None) is not None]
    hdrs = {id(o): _headers(o) for o in objs}
    notes = [(o, _property_notes(o, hdrs[id(o)])) for o in objs]
    got = ctx.target.map_property_notes(ctx, notes)
    dropped_notes = None
    if got is not None:
        lines, dropped_notes = got
        if lines is not None:
            text += "\nMerging program properties\n\n" + "".join(ln + "\n" for ln in lines)
    needed = map_as_needed(ctx)
    if needed:
        text += "\n" + "\n".join(needed[:-1]) + "\n"
    commons = _commons(ctx)
    if commons:
        text += "\nAllocating common symbols\nCommon symbol       size              file\n\n"
        for s in commons:
            name = _shown(s.name)
            head = f"{name}\n{'':20}" if len(name) >= 20 else f"{name:<20}"
            sz = f"0x{s.size:x}"
            text += f"{head}{sz}\n{'':38}{s.file.name}\n" if len(sz) >= 18 else f"{head}{sz:<18}{s.file.name}\n"
    text += _local_ifuncs(ctx)
    disc = []
    st = getattr(ctx, "lscript", None)
    dead_commons: dict = {}
    from .chunks import Blob
    for s in ctx.symtab.values():
        b = s.section
        if s.file is not None and isinstance(b, Blob) and b.name == "COMMON":
            dead_commons.setdefault(id(s.file), []).append(b)
    comdat = ctx.comdat
    for o in objs:
        secs = o.sections
        # the members of the COMDAT groups another file won: bfd lists them whatever the script says
        lost = {m for sig, members in getattr(o, "comdat_groups", ()) if comdat.get(sig) is not o
                for m in members}
        for i, (name, t, size, _off) in enumerate(hdrs[id(o)]):
            if i == 0 or t in _SKIP_TYPES:
                continue
            if t == _SHT_GROUP:
                pass
            elif name == ".note.gnu.property" and t == _SHT_NOTE:
                if dropped_notes is None or id(o) not in dropped_notes:
                    continue
            elif name.startswith(".gnu.warning."):
                size = 0                # bfd empties a symbol's warning section once it has read it
            elif name == ".gnu.warning":
                continue
            else:
                ii = i + 0x100 if len(secs) > 0xff00 and i >= 0xff00 else i
                sec = secs[ii] if ii < len(secs) else None
                if sec is not None and sec.alive:
                    continue
                if sec is None and ii not in lost and not _script_discards(st, o, name):
                    continue
            disc.append(_sec_line(name, 0, size, o.name))
        blobs = dead_commons.get(id(o))
        if blobs and not any(b.alive and b.out is not None and b in b.out.members for b in blobs):
            total = 0
            for b in blobs:
                total = (total + b.align - 1) // b.align * b.align + b.size
            disc.append(_sec_line("COMMON", 0, total, o.name))
    if disc and ctx.config.map_discarded:
        text += "\nDiscarded input sections\n\n" + "".join(ln + "\n" for ln in disc)
    text += "\nMemory Configuration\n\nName             Origin             Length             Attributes\n"
    st = getattr(ctx, "lscript", None)
    for name, origin, length, attrs in getattr(st, "region_values", None) or ():
        attrs = _region_attrs(attrs or "")
        text += f"{name:<16} 0x{origin:016x} 0x{length:016x}{' ' + attrs if attrs else ''}\n"
    text += "*default*        0x0000000000000000 0xffffffffffffffff\n\nLinker script and memory map\n\n"
    return text


def write_map(ctx) -> None:
    """The map: bfd's sections before the memory map (_preamble), its LOAD lines, then braze's own
    memory map in bfd's line formats (output and input sections, symbols, *fill*), without bfd's
    echo of the linker script's statements, and bfd's closing OUTPUT(FILE FORMAT) line."""
    from .address import sym_addr
    lines: list[str] = []
    add = lines.append
    syms_by_sec: dict[int, list] = {}
    from .chunks import Blob
    for s in ctx.symtab.values():
        if s.rank >= 2 and isinstance(s.section, (InputSection, Blob)):
            syms_by_sec.setdefault(id(s.section), []).append(s)
    from .explain import write_cref, _shown
    for c in getattr(ctx, "layout_order", None) or ctx.chunks:   # statement order, as bfd (not header order)
        name = c.name
        if not name or name in (".symtab", ".strtab", ".shstrtab"):
            continue                # (the ELF headers and the tables bfd writes after the map)
        head = f"{name}\n{'':16}" if len(name) >= 15 else f"{name:<16}"
        add(f"\n{head}0x{c.addr:016x} {c.size:#10x}")
        if isinstance(c, OutputSection):
            at = c.addr
            members = c.members
            for k, m in enumerate(members):
                addr = c.addr + m.out_off
                mine = syms_by_sec.get(id(m))
                same = False
                if isinstance(m, Blob) and mine and m.name.endswith("COMMON"):
                    prev = members[k - 1] if k else None
                    pmine = syms_by_sec.get(id(prev)) if prev is not None else None
                    same = isinstance(prev, Blob) and bool(pmine) and prev.name == m.name and \
                        pmine[0].file is mine[0].file
                if addr > at and not same:
                    add(f" *fill*         0x{at:016x} {addr - at:#10x} ")
                at = max(at, addr + (m.size or 0))
                if isinstance(m, Blob) and mine and m.name.endswith("COMMON"):
                    # bfd: one COMMON input section per file, its symbols under it
                    f = mine[0].file
                    if not same:
                        end = k
                        while end + 1 < len(members) and isinstance(members[end + 1], Blob) and \
                                members[end + 1].name == m.name and \
                                (syms_by_sec.get(id(members[end + 1])) or [None])[0] is not None and \
                                syms_by_sec[id(members[end + 1])][0].file is f:
                            end += 1
                        last = members[end]
                        size = last.out_off + last.size - m.out_off
                        add(_sec_line(m.name, addr, size, f.name if f is not None else ""))
                    for s in mine:
                        add(f"{'':16}0x{sym_addr(ctx, s):016x}                {_shown(s.name)}")
                    continue
                if isinstance(m, InputSection):
                    add(_sec_line(m.name, addr, m.size, m.file.name))
                    for s in sorted(mine or (), key=lambda s: s.value):
                        add(f"{'':16}0x{sym_addr(ctx, s):016x}                {_shown(s.name)}")
                elif isinstance(m, Fragment):
                    add(_sec_line(m.name, addr, m.size, "(merged constants and strings)"))
                else:
                    add(_sec_line(m.name, addr, m.size, "").rstrip())
    loads = getattr(getattr(ctx, "reader", None), "map_loads", None) or []
    text = (_preamble(ctx) + "".join(ln + "\n" for ln in loads) + "".join(ln + "\n" for ln in lines)
            + f"OUTPUT({ctx.config.output} {ctx.target.output_format})\n")
    if ctx.config.cref:
        text += write_cref(ctx)
    from .explain import _write
    _write(ctx.config.map_file, text, "map")
