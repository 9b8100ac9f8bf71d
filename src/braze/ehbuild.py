"""The per-record loops of the output .eh_frame, compiled with mypyc: the Record class (a native class,
so building, placing and writing ~10,000 records of a big link runs as C), deciding which FDEs are
alive, merging identical CIEs, placing the records, and the unrelocated image with each input section's
relocations moved to their records' output places. ehframe.py keeps the section object, the
diagnostics and the rarely-run parts (PLT unwind records, dynamic relocations in .eh_frame).

Input sections, object files and symbols are other modules' classes: they are typed Any here and
read only through the attributes ehframe.py used before.
"""
from __future__ import annotations

import sys

from . import ehparse as _ep
from .inputs.objparse import InputSection

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

Rel = tuple[int, int, int]
# ehparse.split's result: offsets, sizes, CIE index of each FDE (-1: a CIE), FDE encodings, relocations
Parts = tuple[list[int], list[int], list[int], list[int], list[list[Rel]]]

DEFAULT_FDE_ENC: Final = 0x1b


class Record:
    """A CIE or FDE of an input .eh_frame (or a linker-made one: `target` is the chunk it covers)."""

    def __init__(self, sec: Any, off: int, size: int, is_cie: bool, relocs: list[Rel] | None = None) -> None:
        self.sec: Any = sec
        self.off = off
        self.size = size
        self.is_cie = is_cie
        self.relocs: list[Rel] = [] if relocs is None else relocs
        self.cie: Record | None = None
        self.out_off = 0
        self.fde_enc = DEFAULT_FDE_ENC
        self.dup_of: Record | None = None
        self.target: Any = None
        self.pad = 0
        self.insns = 0           # CIEs: where the initial instructions start
        self.aug_z = False
        self.dead = False        # relocatable.py's -r editing: a dropped FDE, its new size and place
        self.new_size = 0
        self.new_off = 0


def root_cie(fde: Record) -> Record:
    """The CIE an FDE's output record points to (its own, or the first identical one kept)."""
    cie = fde.cie
    assert cie is not None
    while cie.dup_of is not None:
        cie = cie.dup_of
    return cie


def split_records(sec: Any, parts: Parts) -> list[Record]:
    """One section's records from ehparse.split's lists."""
    offs, sizes, cie_of, encs, per = parts
    recs: list[Record] = []
    for i in range(len(offs)):
        c = cie_of[i]
        r = Record(sec, offs[i], sizes[i], c < 0, per[i])
        if c < 0:
            r.fde_enc = encs[i]
        else:
            r.cie = recs[c]
        recs.append(r)
    return recs


def _target_key(obj: Any, first_global: int, idx: int) -> Any:
    """What a relocation's target is, compared by identity: (local symbol's section, value), or the
    global Symbol (objects hashed by identity, not id(): an id() is a new boxed int each time)."""
    if idx < first_global:
        e = obj.esyms[idx]
        return (obj.local_section(idx), e[4])
    return obj.syms[idx]


def _fde_alive(obj: Any, first_global: int, esyms: list[tuple[int, ...]], sections: list[Any],
               syms: list[Any], rels: list[Rel], off: int) -> bool:
    """Whether the code an FDE (at off, with relocations rels) covers is kept."""
    off += 8
    for rel in rels:
        if rel[0] == off:
            idx = rel[1] >> 32
            sec: Any = None
            if idx < first_global:
                sh: int = esyms[idx][3]
                if 0 < sh < len(sections):
                    sec = sections[sh]    # the usual case: a section symbol of the function's section
                else:
                    sec = obj.local_section(idx)
            else:
                s: Any = syms[idx]
                if s is not None:
                    sec = s.section
                    if s.file is not obj and s.rank:
                        return False
            if sec is None:
                return False
            if isinstance(sec, InputSection):   # (its fields read natively)
                return bool(sec.alive) and sec.out is not None
            return bool(sec.alive) and getattr(sec, "out", 1) is not None
    return False


def build(inputs: list[Any], datas: list[bytes], parsed: list[Parts],
          cie_map: dict[Any, Record], merged: list[Record] | None = None,
          lazy: bool = False) -> tuple[list[Record], int]:
    """The kept records in output order and the number of FDEs: FDEs of discarded or empty code
    dropped, each CIE identical (bytes and relocation targets) to an earlier one merged into it
    (those go to `merged`: a symbol in one moves to the CIE it merged into).
    `lazy` (the target drops unused CIEs): as bfd's find_merged_cie, a CIE is kept or merged only
    when its first kept FDE is met, so a CIE no kept FDE uses is dropped and never becomes the one
    later identical CIEs merge into; records stay in their input order."""
    out: list[Record] = []
    nfde = 0
    for si in range(len(inputs)):
        sec = inputs[si]
        data = datas[si]
        offs, sizes, cie_of, encs, per = parsed[si]
        obj: Any = sec.file
        first_global: int = obj.first_global
        esyms: list[tuple[int, ...]] = obj.esyms
        sections: list[Any] = obj.sections
        syms: list[Any] = obj.syms
        cies: dict[int, Record] = {}
        pending: set[int] = set()       # (lazy) this section's CIEs no kept FDE has used yet
        sec_out: list[Record] = out if not lazy else []
        for i in range(len(cie_of)):
            c = cie_of[i]
            off = offs[i]
            if c < 0:
                r = Record(sec, off, sizes[i], True, per[i])
                r.fde_enc = encs[i]
                cies[i] = r
                if lazy:
                    pending.add(i)
                    continue
                _add_cie(r, data, obj, first_global, cie_map, merged, sec_out)
            else:
                rels = per[i]
                if not _fde_alive(obj, first_global, esyms, sections, syms, rels, off):
                    continue
                cie = cies[c]
                if cie.insns == 0:
                    cie.insns, cie.aug_z = _ep.cie_insns(data, cie.off)
                # -1: no code covered (gcc leaves these for an emptied cold part): bfd drops it, and
                # in .eh_frame_hdr it could hide the real FDE that starts at the same address
                size = _ep.fde_size(data, off, sizes[i], _ep.enc_size(cie.fde_enc), cie.aug_z)
                if size < 0:
                    continue        # (not a use of its CIE either)
                if c in pending:
                    pending.discard(c)
                    _add_cie(cie, data, obj, first_global, cie_map, merged, sec_out)
                r = Record(sec, off, size, False, rels)
                r.cie = cie
                sec_out.append(r)
                nfde += 1
        if lazy:
            sec_out.sort(key=_rec_off)
            out.extend(sec_out)
    return out, nfde


def _rec_off(r: Record) -> int:
    return r.off


def _add_cie(r: Record, data: bytes, obj: Any, first_global: int, cie_map: dict[Any, Record],
             merged: list[Record] | None, out: list[Record]) -> None:
    """Keep CIE `r` (appended to `out`) or merge it into the first identical one kept."""
    off = r.off
    tk: list[Any] = []
    for rel in r.relocs:
        tk.append((rel[0] - off, rel[1] & 0xffffffff, _target_key(obj, first_global, rel[1] >> 32),
                   rel[2]))
    key = (data[off:off + r.size], tuple(tk))
    first = cie_map.get(key)
    if first is not None:
        r.dup_of = first
        if merged is not None:
            merged.append(r)
        return
    cie_map[key] = r
    r.insns, r.aug_z = _ep.cie_insns(data, off)
    r.size = _ep.trim(data, off, r.size, r.insns)
    out.append(r)


def _record_align(r: Record) -> int:
    """bfd (_bfd_elf_discard_section_eh_frame) starts each kept record at its alignment within its
    input section: 4, but an FDE at the width of its CIE's address encoding (8 for sdata8/absptr, as
    LLVM's and gcc's large code model write) so its address fields sit naturally aligned; the record
    before it grows by DW_CFA_nop padding."""
    if r.is_cie or r.cie is None:
        return 4
    w = _ep.enc_size(r.cie.fde_enc)
    return w if w > 4 else 4


def place(records: list[Record], inputs: list[Any], eh: Any, terminator: bool = True) -> int:
    """Output offsets (see EhFrameSection._place); the section's size (with a zero terminator when
    `terminator`)."""
    off = 0
    base = 0                    # where the current input section's records begin
    prev: Record | None = None
    for r in records:
        if prev is not None:
            if r.sec is not prev.sec:
                align: int = r.sec.align
                prev.pad = -off & (align - 1)
                off += prev.pad
                base = off
            else:
                prev.pad = -(off - base) & (_record_align(r) - 1)
                off += prev.pad
        r.out_off = off
        off += r.size
        prev = r
    if prev is not None:
        prev.pad = 0
    first: dict[Any, int] = {}      # (sections hashed by identity: an id() key is a new boxed int each time)
    for r in records:
        if r.sec not in first:
            first[r.sec] = r.out_off
    nxt = off
    for j in range(len(inputs) - 1, -1, -1):
        sec = inputs[j]
        nxt = first.get(sec, nxt)
        sec.out = eh
        sec.out_off = nxt
    # an input's terminator is written even when no record is kept (a -shared link whose only .eh_frame is
    # crtendS.o's __FRAME_END__): bfd's output .eh_frame is then those 4 bytes
    return off + 4 if terminator else off


def _put32(out: bytearray, o: int, v: int) -> None:
    out[o] = v & 0xff
    out[o + 1] = (v >> 8) & 0xff
    out[o + 2] = (v >> 16) & 0xff
    out[o + 3] = (v >> 24) & 0xff


def image(recs: list[Record]) -> tuple[bytearray, list[tuple[Any, list[Rel]]], list[Record]]:
    """The records' bytes before relocation (length fields covering the padding, CIE pointers rewritten
    for the output places), each input section's relocations moved to its records' output offsets,
    and the linker-made FDEs (whose address range the caller fills in). Records that follow each other
    in both the input and the output are copied as one run; header words go through a 32-bit view."""
    last = recs[-1]
    out = bytearray(last.out_off + last.size + last.pad)
    groups: list[tuple[Any, list[Rel]]] = []
    linker_made: list[Record] = []
    datas: dict[Any, bytes] = {}
    sec: Any = None
    rels: list[Rel] = []
    d = b""
    run_in = run_out = run_end = 0      # the pending copy: d[run_in:run_end] to out[run_out:]
    for r in recs:
        rs = r.sec
        o = r.out_off
        off = r.off
        size = r.size
        if rs is not sec or off != run_end or o != run_out + (run_end - run_in):
            if run_end > run_in:
                out[run_out:run_out + run_end - run_in] = d[run_in:run_end]
            if rs is not sec:
                if rels:
                    groups.append((sec, rels))
                sec = rs
                rels = []
                if rs in datas:
                    d = datas[rs]
                else:
                    raw = rs.data
                    d = raw if isinstance(raw, bytes) else bytes(raw)
                    datas[rs] = d
            run_in = off
            run_out = o
        run_end = off + size
        if r.target is not None:
            linker_made.append(r)
        if r.relocs:
            delta = o - off
            for rel in r.relocs:
                rels.append((rel[0] + delta, rel[1], rel[2]))
    if run_end > run_in:
        out[run_out:run_out + run_end - run_in] = d[run_in:run_end]
    if rels:
        groups.append((sec, rels))
    # the header words, after the copies: lengths covering the padding, CIE pointers for the new places
    words = memoryview(out)[:len(out) & -4].cast("I")
    native = sys.byteorder == "little"
    for r in recs:
        o = r.out_off
        if o & 3 or not native:
            _put32(out, o, r.size + r.pad - 4)
            if not r.is_cie:
                _put32(out, o + 4, o + 4 - root_cie(r).out_off)
        else:
            i = o >> 2
            words[i] = r.size + r.pad - 4
            if not r.is_cie:
                words[i + 1] = o + 4 - root_cie(r).out_off
    words.release()
    return out, groups, linker_made


def reloc_groups(recs: list[Record]) -> list[tuple[Any, list[Rel]]]:
    """The kept records' relocations (input offsets), one list per run of records of an input section."""
    groups: list[tuple[Any, list[Rel]]] = []
    sec: Any = None
    rels: list[Rel] = []
    for r in recs:
        if r.sec is not sec:
            if rels:
                groups.append((sec, rels))
            sec = r.sec
            rels = []
        rels.extend(r.relocs)
    if rels:
        groups.append((sec, rels))
    return groups


def fde_list(recs: list[Record]) -> tuple[list[int], list[int]]:
    """The FDEs' output offsets and pointer encodings, for the .eh_frame_hdr table."""
    offs: list[int] = []
    encs: list[int] = []
    for r in recs:
        if not r.is_cie:
            offs.append(r.out_off)
            encs.append(root_cie(r).fde_enc)
    return offs, encs
