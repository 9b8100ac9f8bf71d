"""Source file and line of a place in an input object, from its DWARF 5 line table (.debug_line).

bfd's located messages (`.gnu.warning` texts, --warn-unresolved-symbols) show `FILE:LINE` instead
of `SRC:(SECTION+0xOFF)` when the object has line information (gcc -g); this reads the table the
way bfd uses it: the row in force at the address (of several rows at one address the last one),
the file name joined to its directory, a relative directory to the compilation directory.  DWARF 5
tables (gcc 11+'s default) carry that directory as directory 0; in DWARF 2-4 ones (-gdwarf-4, rustc's
default) file and directory numbers start at 1 and the compilation directory is the unit's
DW_AT_comp_dir in .debug_info (bfd's concat_filename).  Anything else (unexpected forms, a corrupt
table) gives None and the caller uses the form without line information.
"""
from __future__ import annotations

import _struct as struct

from .elf import SHN_UNDEF
from .ehframe import _uleb


def lookup(obj, sec, off):
    """(file name, line) for sec+off in `obj`, or None."""
    rows = getattr(obj, "dwarf_lines", False)
    if rows is False:
        try:
            rows = _read(obj)
        except Exception:        # noqa: BLE001 - a table braze cannot read only loses the line numbers
            rows = None
        obj.dwarf_lines = rows
    if not rows:
        return None
    seqs = rows.get(sec.shndx)
    if not seqs:
        return None
    for seq in seqs:                     # (start, end, [(addr, file, line)...])
        if seq[0] <= off < seq[1]:
            best = None
            for addr, name, line in seq[2]:
                if addr <= off:
                    best = (name, line)
                else:
                    break
            if best is not None and best[1]:
                return best
    return None


def _sleb(b, p):
    r = shift = 0
    while True:
        x = b[p]
        p += 1
        r |= (x & 0x7f) << shift
        shift += 7
        if x < 0x80:
            if x & 0x40:
                r -= 1 << shift
            return r, p


def _relocated(obj, sec):
    """(data with the 32-bit section-offset relocations applied, {offset: (shndx, address)} of the
    64-bit address relocations; an undefined symbol's are left out)."""
    R_64, R_32 = obj.target.R_ABS64, obj.target.R_ABS32
    data = bytearray(sec.data)
    addr_at: dict[int, tuple[int, int]] = {}
    for r_off, info, addend in sec.relocs:
        idx, typ = info >> 32, info & 0xffffffff
        e = obj.esyms[idx]
        if typ == R_64:
            shndx = obj.sym_shndx(idx)
            if shndx != SHN_UNDEF:
                addr_at[r_off] = (shndx, e[4] + addend)
        elif typ == R_32:
            struct.pack_into("<I", data, r_off, (e[4] + addend) & 0xffffffff)
    return data, addr_at


def _read(obj):
    line_sec = line_str = None
    for s in obj.sections:
        if s is not None:
            if s.name == ".debug_line":
                line_sec = s
            elif s.name == ".debug_line_str":
                line_str = s
    if line_sec is None:
        return None
    # the object's relocations of .debug_line: addresses (section + offset) and string offsets
    data, addr_at = _relocated(obj, line_sec)
    strs = bytes(line_str.data) if line_str is not None else b""
    out: dict[int, list] = {}
    comp_dirs = None        # {.debug_line offset: DW_AT_comp_dir}, read for the first DWARF 2-4 table
    p = 0
    while p + 4 <= len(data):
        unit_len = struct.unpack_from("<I", data, p)[0]
        if unit_len >= 0xfffffff0:
            return None
        start = p + 4
        end = start + unit_len
        version = struct.unpack_from("<H", data, start)[0]
        if not 2 <= version <= 5:
            return None
        q = start + 2
        if version == 5:
            addr_size, _seg = data[q], data[q + 1]
            if addr_size != 8:
                return None
            q += 2
        hdr_len = struct.unpack_from("<I", data, q)[0]
        q += 4
        prog = q + hdr_len
        min_inst, default_stmt = data[q], data[q + 2 if version >= 4 else q + 1]
        q += 2 if version >= 4 else 1          # (maximum_operations_per_instruction: DWARF 4+)
        line_base = struct.unpack_from("<b", data, q + 1)[0]
        line_range, opcode_base = data[q + 2], data[q + 3]
        q += 4
        std_lens = list(data[q:q + opcode_base - 1])
        q += opcode_base - 1
        if version == 5:
            dirs, q = _entries(data, q, strs)
            files, q = _entries(data, q, strs)
            dirnames = [d.get(1, "") for d in dirs]
            comp_dir = dirnames[0] if dirnames else ""
            table = [(f.get(1, ""), f.get(2, 0)) for f in files]
        else:
            # numbered from 1, directory 0 (no directory) is the unit's DW_AT_comp_dir
            dirnames = [""]
            while data[q]:
                e = data.index(0, q)
                dirnames.append(bytes(data[q:e]).decode("utf-8"))
                q = e + 1
            q += 1
            table = [("", 0)]
            while data[q]:
                e = data.index(0, q)
                nm = bytes(data[q:e]).decode("utf-8")
                d, q = _uleb(data, e + 1)
                _mtime, q = _uleb(data, q)
                _size, q = _uleb(data, q)
                table.append((nm, d))
            if comp_dirs is None:
                from .dwarffunc import comp_dirs as read_comp_dirs
                comp_dirs = read_comp_dirs(obj)
            comp_dir = comp_dirs.get(p, "")
        names = []
        for nm, d in table:
            if not nm.startswith("/"):
                sub = dirnames[d] if d and d < len(dirnames) else None
                if sub and sub.startswith("/"):
                    nm = f"{sub}/{nm}"
                elif comp_dir:
                    nm = f"{comp_dir}/{sub}/{nm}" if sub else f"{comp_dir}/{nm}"
                elif sub:
                    nm = f"{sub}/{nm}"
            names.append(nm)
        if version < 5:
            names[0] = "<unknown>"              # (file 0 before DWARF 5: bfd's concat_filename)
        # a sequence starts in file 0 in DWARF 5, file 1 before (bfd's decode_line_info; DWARF 5
        # says 1: gcc leaves out the set_file of a header's function that comes first)
        _run(data, prog, end, min_inst, default_stmt, line_base, line_range, opcode_base, std_lens,
             names, addr_at, out, 0 if version == 5 else 1)
        p = end
    return out


def _entries(data, q, strs):
    """A DWARF 5 directory or file-name table: [{content type: value}]."""
    nfmt = data[q]
    q += 1
    fmts = []
    for _ in range(nfmt):
        ct, q = _uleb(data, q)
        form, q = _uleb(data, q)
        fmts.append((ct, form))
    count, q = _uleb(data, q)
    out = []
    for _ in range(count):
        ent = {}
        for ct, form in fmts:
            if form == 0x1f or form == 0x0e:          # line_strp, strp
                o = struct.unpack_from("<I", data, q)[0]
                q += 4
                v = strs[o:strs.index(b"\0", o)].decode("utf-8") if form == 0x1f else ""
            elif form == 0x08:                         # string
                e = data.index(0, q)
                v = bytes(data[q:e]).decode("utf-8")
                q = e + 1
            elif form == 0x0f:                         # udata
                v, q = _uleb(data, q)
            elif form in (0x0b, 0x05, 0x06, 0x07, 0x1e):   # data1/2/4/8/16
                n = {0x0b: 1, 0x05: 2, 0x06: 4, 0x07: 8, 0x1e: 16}[form]
                v = int.from_bytes(data[q:q + n], "little")
                q += n
            elif form == 0x09:                         # block
                n, q = _uleb(data, q)
                v = None
                q += n
            else:
                raise ValueError(f"DWARF form 0x{form:x}")
            ent[ct] = v
        out.append(ent)
    return out, q


def _run(data, p, end, min_inst, default_stmt, line_base, line_range, opcode_base, std_lens, names,
         addr_at, out, first_file):
    """The line-number program: rows grouped by sequence, per target section."""
    def reset():
        return None, 0, first_file, 1

    sec, addr, file, line = reset()
    rows: list = []

    def emit():
        if sec is None or not 0 <= file < len(names):
            return
        if rows and rows[-1][0] == addr:
            rows[-1] = (addr, names[file], line)      # bfd keeps the last row at one address
        else:
            rows.append((addr, names[file], line))

    while p < end:
        op = data[p]
        p += 1
        if op >= opcode_base:
            adj = op - opcode_base
            addr += (adj // line_range) * min_inst
            line += line_base + adj % line_range
            emit()
        elif op == 0:                                  # extended
            n, p = _uleb(data, p)
            sub = data[p]
            if sub == 1:                               # end_sequence
                if sec is not None and rows:
                    out.setdefault(sec, []).append((rows[0][0], addr, rows))
                rows = []
                sec, addr, file, line = reset()
            elif sub == 2:                             # set_address
                target = addr_at.get(p + 1)
                if target is not None:
                    sec, addr = target
            p += n
        elif op == 1:                                  # copy
            emit()
        elif op == 2:
            v, p = _uleb(data, p)
            addr += v * min_inst
        elif op == 3:
            v, p = _sleb(data, p)
            line += v
        elif op == 4:
            file, p = _uleb(data, p)
        elif op == 8:                                  # const_add_pc
            addr += ((255 - opcode_base) // line_range) * min_inst
        elif op == 9:                                  # fixed_advance_pc
            addr += struct.unpack_from("<H", data, p)[0]
            p += 2
        else:
            for _ in range(std_lens[op - 1]):
                _v, p = _uleb(data, p)
