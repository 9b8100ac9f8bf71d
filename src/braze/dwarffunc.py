"""The function a place in an input object belongs to, by its DWARF .debug_info, as bfd names it.

bfd's located messages (`FILE: in function `F':`) ask the object's DWARF first
(_bfd_dwarf2_find_nearest_line): of the subprogram, inlined-subroutine and entry-point DIEs whose
ranges contain the address, the one with the smallest range (of equal ones the later DIE), so a
reference inside an inlined static function is shown in that function (cgo's wrappers around
`getpwuid_r` & co. in every static Go program are `mygetpwuid_r`, not `_cgo_..._Cfunc_mygetpwuid_r`).
The name is the DIE's (or its abstract origin's / specification's) DW_AT_linkage_name, or its
DW_AT_name in languages without mangling (C, Fortran 77, ...: bfd's mangle_style 0); a DIE with
neither leaves the choice to the symbol table (symwarn.locate), which bfd also does.

Only what those messages need: DWARF 5 units of relocatable objects (gcc 11+'s -g), ranges from
low_pc/high_pc or .debug_rnglists; anything else gives None and the caller uses the symbol table.
"""
from __future__ import annotations

import _struct as struct

from .ehframe import _uleb
from .dwarfline import _relocated, _sleb

# bfd's mangle_style() == 0: DW_AT_name is the linkage name
_PLAIN_LANGS = frozenset((0x1, 0x2, 0x5, 0x6, 0x7, 0x9, 0xa, 0xc, 0x12, 0x1d, 0x8001, 0x8765,
                          0x8006, 0x8007, 0x8101))
_FUNC_TAGS = (0x2e, 0x1d, 0x03)          # subprogram, inlined_subroutine, entry_point

# fixed sizes of DWARF forms (32-bit DWARF, 8-byte addresses)
_FIXED = {0x01: 8, 0x05: 2, 0x06: 4, 0x07: 8, 0x0b: 1, 0x0c: 1, 0x0e: 4, 0x10: 4, 0x11: 1,
          0x12: 2, 0x13: 4, 0x14: 8, 0x17: 4, 0x19: 0, 0x1c: 4, 0x1d: 4, 0x1e: 16, 0x1f: 4,
          0x20: 8, 0x21: 0, 0x24: 8, 0x25: 1, 0x26: 2, 0x27: 3, 0x28: 4, 0x29: 1, 0x2a: 2,
          0x2b: 3, 0x2c: 4}


def lookup(obj, sec, off):
    """(name, is_linkage) of the innermost DWARF function containing sec+off in `obj`, or None."""
    funcs = getattr(obj, "dwarf_funcs", False)
    if funcs is False:
        try:
            funcs = _read(obj)
        except Exception:        # noqa: BLE001 - debug info braze cannot read only loses the name
            funcs = None
        obj.dwarf_funcs = funcs
    if not funcs:
        return None
    best = None
    best_len = 0
    for shndx, lo, hi, name, linkage in funcs.get(sec.shndx, ()):
        if lo <= off < hi and (best is None or hi - lo <= best_len):
            best, best_len = (name, linkage), hi - lo
    return best


def _sections(obj):
    out = {}
    for s in obj.sections:
        if s is not None and s.name.startswith(".debug_"):
            out[s.name] = s
    return out


def _cstr(b, o):
    return bytes(b[o:b.index(0, o)]).decode("utf-8", "replace")


def _abbrevs(ab, p):
    out = {}
    while True:
        code, p = _uleb(ab, p)
        if code == 0:
            return out
        tag, p = _uleb(ab, p)
        children = ab[p]
        p += 1
        attrs = []
        while True:
            at, p = _uleb(ab, p)
            form, p = _uleb(ab, p)
            if at == 0 and form == 0:
                break
            ic = 0
            if form == 0x21:        # DW_FORM_implicit_const: the value is in the abbreviation
                ic, p = _sleb(ab, p)
            attrs.append((at, form, ic))
        out[code] = (tag, children, attrs)


def _read(obj):
    secs = _sections(obj)
    info_sec = secs.get(".debug_info")
    abbrev_sec = secs.get(".debug_abbrev")
    if info_sec is None or abbrev_sec is None or getattr(obj, "target", None) is None:
        return None
    info, info_addr = _relocated(obj, info_sec)
    ab = bytes(abbrev_sec.data)
    strs = bytes(secs[".debug_str"].data) if ".debug_str" in secs else b""
    lstrs = bytes(secs[".debug_line_str"].data) if ".debug_line_str" in secs else b""
    rng5 = _relocated(obj, secs[".debug_rnglists"]) if ".debug_rnglists" in secs else None
    dies: dict[int, list] = {}       # offset: [name, is_linkage, origin offset, plain language]
    funcs: list = []                 # [(offset, ranges)] in DIE order
    p = 0
    n = len(info)
    while p + 11 <= n:
        unit_len = struct.unpack_from("<I", info, p)[0]
        if unit_len >= 0xfffffff0:
            return None
        cu = p
        end = p + 4 + unit_len
        if struct.unpack_from("<H", info, p + 4)[0] == 5:
            if info[p + 6] not in (1, 3) or info[p + 7] != 8:      # compile / partial units only
                p = end
                continue
            abbrev_off = struct.unpack_from("<I", info, p + 8)[0]
            q = p + 12
        else:
            # DWARF 4 (gcc < 11) is left to the symbol table, as dwarfline leaves its line tables:
            # bfd reads its .debug_ranges relocated to where the section sits at the time (an
            # empty first range at .text+0 ends the list while the inputs are read), not modelled
            return None
        abbrevs = _abbrevs(ab, abbrev_off)
        plain = True
        base = None
        while q < end:
            die = q
            code, q = _uleb(info, q)
            if code == 0:
                continue
            tag, _children, attrs = abbrevs[code]
            name = None
            linkage = False
            origin = None
            low = None
            high = None
            high_rel = False
            ranges = None
            for at, form, ic in attrs:
                v, q, form = _value(info, q, form, ic, info_addr)
                if form < 0:
                    return None                                    # strx/addrx (split DWARF) ...
                if form in (0x0e, 0x1f) and isinstance(v, int):    # strp line_strp
                    v = _cstr(strs if form == 0x0e else lstrs, v)
                elif form in (0x11, 0x12, 0x13, 0x14, 0x15) and isinstance(v, int):
                    v += cu                                        # unit-relative reference
                if at == 0x03 and isinstance(v, str):              # name
                    if name is None:
                        name = v
                elif at in (0x6e, 0x2007) and isinstance(v, str):  # linkage_name, MIPS_
                    name, linkage = v, True
                elif at in (0x31, 0x47) and isinstance(v, int):    # abstract_origin, specification
                    origin = v
                elif at == 0x11:                                   # low_pc
                    low = v
                elif at == 0x12:                                   # high_pc
                    high = v
                    high_rel = form != 0x01
                elif at == 0x55:                                   # ranges
                    ranges = (form, v)
                elif at == 0x13 and tag in (0x11, 0x74) and isinstance(v, int):   # language
                    plain = v in _PLAIN_LANGS
            if tag in (0x11, 0x74):                                # the unit's base address
                base = low if isinstance(low, tuple) else None
            dies[die] = [name, linkage, origin, plain]
            if tag in _FUNC_TAGS:
                rs = []
                if isinstance(low, tuple) and isinstance(high, int) and high_rel:
                    rs.append((low[0], low[1], low[1] + high))
                elif isinstance(low, tuple) and isinstance(high, tuple) and high[0] == low[0]:
                    rs.append((low[0], low[1], high[1]))
                elif ranges is not None and isinstance(ranges[1], int):
                    if ranges[0] == 0x17 and rng5 is not None:
                        rs = _rnglist(rng5, ranges[1], base)
                if rs:
                    funcs.append((die, rs))
        p = end
    out: dict[int, list] = {}
    for die, rs in funcs:
        name, linkage = _name(dies, die)
        if name is None:
            continue
        for shndx, lo, hi in rs:
            out.setdefault(shndx, []).append((shndx, lo, hi, name, linkage))
    return out


def _value(info, q, form, ic, info_addr):
    """(value or None, position after it, the form read) of one attribute; form -1: one braze
    does not read."""
    v: object = None
    if form == 0x16:                                   # indirect
        form, q = _uleb(info, q)
    if form in (0x0f, 0x15, 0x23, 0x22):               # udata ref_udata rnglistx loclistx
        v, q = _uleb(info, q)
    elif form == 0x0d:                                 # sdata
        while info[q] & 0x80:
            q += 1
        q += 1
    elif form == 0x08:                                 # string
        e = info.index(0, q)
        v = bytes(info[q:e]).decode("utf-8", "replace")
        q = e + 1
    elif form in (0x09, 0x18):                         # block exprloc
        ln, q = _uleb(info, q)
        q += ln
    elif form in (0x0a, 0x03, 0x04):                   # block1/2/4
        sz = {0x0a: 1, 0x03: 2, 0x04: 4}[form]
        ln = int.from_bytes(info[q:q + sz], "little")
        q += sz + ln
    elif form == 0x01:                                 # addr
        v = info_addr.get(q)
        q += 8
    elif form == 0x21:
        v = ic
    elif form in _FIXED:
        sz = _FIXED[form]
        v = int.from_bytes(info[q:q + sz], "little") if sz else True
        q += sz
    else:
        return None, q, -1
    return v, q, form


def comp_dirs(obj):
    """{.debug_line offset (DW_AT_stmt_list): DW_AT_comp_dir} of the object's units, for dwarfline's
    DWARF 2-4 line tables, whose directory 0 is that directory (bfd's table->comp_dir)."""
    secs = _sections(obj)
    info_sec = secs.get(".debug_info")
    abbrev_sec = secs.get(".debug_abbrev")
    out: dict[int, str] = {}
    if info_sec is None or abbrev_sec is None:
        return out
    info, info_addr = _relocated(obj, info_sec)
    ab = bytes(abbrev_sec.data)
    strs = bytes(secs[".debug_str"].data) if ".debug_str" in secs else b""
    lstrs = bytes(secs[".debug_line_str"].data) if ".debug_line_str" in secs else b""
    p = 0
    while p + 11 <= len(info):
        unit_len = struct.unpack_from("<I", info, p)[0]
        if unit_len >= 0xfffffff0:
            break
        end = p + 4 + unit_len
        version = struct.unpack_from("<H", info, p + 4)[0]
        if version == 5:
            abbrev_off, q = struct.unpack_from("<I", info, p + 8)[0], p + 12
        else:
            abbrev_off, q = struct.unpack_from("<I", info, p + 6)[0], p + 11
        code, q = _uleb(info, q)
        entry = _abbrevs(ab, abbrev_off).get(code)
        stmt = cdir = None
        for at, form, ic in entry[2] if entry is not None else ():
            v, q, form = _value(info, q, form, ic, info_addr)
            if form < 0:
                break
            if at == 0x10 and isinstance(v, int):                      # stmt_list
                stmt = v
            elif at == 0x1b:                                           # comp_dir
                cdir = _cstr(strs if form == 0x0e else lstrs, v) if isinstance(v, int) else v
        if stmt is not None and isinstance(cdir, str):
            out.setdefault(stmt, cdir)
        p = end
    return out


def _name(dies, off, depth=0):
    """(name, is_linkage) of a DIE, following abstract_origin / specification as bfd's
    find_abstract_instance does: a linkage name wins, else the first DW_AT_name found."""
    d = dies.get(off)
    if d is None or depth > 8:
        return None, False
    name, linkage, origin, plain = d
    if linkage:
        return name, True
    if origin is not None:
        oname, olink = _name(dies, origin, depth + 1)
        if olink:
            return oname, True
        if name is None:
            return oname, olink
    return name, name is not None and plain


def _rnglist(rng, off, base):
    data, addr_at = rng
    out = []
    p = off
    while p < len(data):
        kind = data[p]
        p += 1
        if kind == 0:                                   # end_of_list
            return out
        if kind == 4:                                   # offset_pair
            a, p = _uleb(data, p)
            b, p = _uleb(data, p)
            if base is not None:
                out.append((base[0], base[1] + a, base[1] + b))
        elif kind == 5:                                 # base_address
            base = addr_at.get(p)
            p += 8
        elif kind == 6:                                 # start_end
            a, b = addr_at.get(p), addr_at.get(p + 8)
            p += 16
            if a is not None and b is not None and a[0] == b[0]:
                out.append((a[0], a[1], b[1]))
        elif kind == 7:                                 # start_length
            a = addr_at.get(p)
            ln, p = _uleb(data, p + 8)
            if a is not None:
                out.append((a[0], a[1], a[1] + ln))
        else:                                           # *x forms need .debug_addr
            return []
    return out

