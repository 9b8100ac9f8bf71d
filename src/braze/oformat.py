"""--oformat binary: a raw memory image, as ld.bfd 2.40 writes one (checked against it).

bfd links into a non-ELF output with its generic linker, not its ELF one, and braze follows what that
changes (each point observed with ld.bfd's --oformat binary and its map file):
  * the layout is the default script's (or the -T script's) with SIZEOF_HEADERS 0: no ELF or program
    headers, so a default-script image starts right at the image base (SEGMENT_START("text-segment"));
  * no section is made by the linker: no .note.gnu.build-id (--build-id is ignored), .interp,
    .dynamic, .got, .plt, .eh_frame_hdr, merged .note.gnu.property; `_GLOBAL_OFFSET_TABLE_`,
    `__ehdr_start`, `_DYNAMIC` are not defined (an undefined reference, as in bfd); a shared
    library cannot be an input ("file in wrong format");
  * input sections are copied as they are: SHF_MERGE strings are not merged, `.eh_frame` is each
    input's section as it is (no CIE merging, no dead FDEs dropped), each `.note.gnu.property` is an
    ordinary note section; --gc-sections removes nothing;
  * every relocation is applied as its howto says, S + A (- P when PC-relative), with no GOT, PLT,
    TLS model or relaxation: a GOT-relative load reads the symbol itself, a TLS offset is an address
    (`generic_relocate` below, the target's `generic_howtos`);
  * the file holds the allocated sections that have contents (not NOBITS, not NOLOAD), each at its
    load address (LMA) minus the lowest such section's; the gaps are zeros, and the file ends with the
    last section's bytes (a trailing .bss is not written).
The link is otherwise braze's: the ELF image is laid out and relocated as usual, then `image` copies the
sections out of it.
"""
from __future__ import annotations

from .diag import LinkError
from .elf import SHF_ALLOC, SHT_NOBITS, SHT_NOTE


def check_name(cfg) -> None:
    """Before any input is read (bfd opens the output first): a name no target knows is bfd's
    "target X not found"; the link's target then checks the name (Target.output_kind)."""
    from .arch import default_target, targets
    name = cfg.oformat
    if name is None or name == "default" or name in default_target().bfd_targets:
        return              # (the other back ends are not imported for a name the default one knows)
    if not any(name in t.bfd_targets for t in targets()):
        if name.count("-") >= 2:
            # bfd also takes a configuration triplet (CPU-VENDOR-SYSTEM) for the format
            # its configuration gives that system; which triplets it knows is not reproduced
            raise LinkError(f"--oformat {name}: a configuration triplet as the output format is not supported "
                            "by braze (name the format, e.g. " + ", ".join(t.output_format for t in targets())
                            + ", binary)")
        raise LinkError(f"target {name} not found")


def refuse_relocatable(cfg) -> None:
    """-r: bfd relinks into another format only objects without relocations; braze refuses it."""
    from .arch import targets
    name = cfg.oformat
    if name is None or name == "default" or any(name == t.output_format for t in targets()):
        return
    raise LinkError(f"--oformat {name} with -r is not supported (bfd: relocatable linking with relocations "
                    f"to format {name} is not supported)")


def prepare(ctx) -> None:
    """After the inputs are read, before symbols are resolved: refuse what bfd's generic link does
    not take, bring back the property notes braze's reader set aside, and lay the link out with the
    SECTIONS engine (bfd's default script unless -T gave one), whose SIZEOF_HEADERS is then 0."""
    cfg = ctx.config
    if ctx.dsos:
        raise LinkError(f"{ctx.dsos[0].name}: error adding symbols: file in wrong format "
                        f"(--oformat {cfg.oformat} links no shared library, as bfd)")
    if cfg.emit_relocs:
        raise LinkError(f"--emit-relocs with --oformat {cfg.oformat} is not supported")
    if cfg.shared or cfg.pie:
        raise LinkError(f"--oformat {cfg.oformat} with {'-shared' if cfg.shared else '-pie'} is not supported "
                        "(braze writes a raw image of a static link only)")
    from .properties import has_note
    for obj in ctx.objs:
        if obj.synthetic or obj.just_syms:
            continue
        if has_note(obj):
            _restore_notes(obj)
    if ctx.pending_lscript is None and not (ctx.insert_scripts or ctx.more_scripts or ctx.implicit_scripts):
        from .insertscript import base_script
        from .scriptmerge import make_flat
        base = base_script(ctx)
        make_flat(base)
        ctx.pending_lscript = base


def _restore_notes(obj) -> None:
    """The object's .note.gnu.property as an input section (the reader keeps only what its
    properties say, for ELF output's merged note)."""
    import _struct
    from .inputs.object import InputSection
    v = obj.view
    shoff = int.from_bytes(v[0x28:0x30], "little")
    shentsize = v[0x3a] | v[0x3b] << 8
    shnum = v[0x3c] | v[0x3d] << 8
    shstrndx = v[0x3e] | v[0x3f] << 8
    if shentsize != 64 or shnum == 0 or shstrndx == 0 or shnum > len(obj.sections) or shstrndx >= 0xff00:
        raise LinkError(f"{obj.name}: .note.gnu.property with --oformat binary: an object with extended "
                        "section numbers is not supported")
    hdrs = [_struct.unpack_from("<IIQQQQIIQQ", v, shoff + 64 * i) for i in range(shnum)]
    stroff = hdrs[shstrndx][4]
    for i, sh in enumerate(hdrs):
        if sh[1] != SHT_NOTE or not sh[2] & SHF_ALLOC or obj.sections[i] is not None:
            continue
        end = bytes(v[stroff + sh[0]:stroff + sh[0] + 20])
        if end.split(b"\0", 1)[0] == b".note.gnu.property":
            obj.sections[i] = InputSection(obj, i, ".note.gnu.property", sh)


def hash_order(ctx, commons: list) -> list:
    """The order bfd allocates COMMON symbols in without --sort-common: a walk of its link hash table,
    bucket by bucket, the table sized by the names the link entered (mapfile's model: 4051 buckets,
    then bigger primes when more than 3/4 full), the latest symbol of a bucket first. (braze's ELF
    output: mapfile.common_allocation_order.) Two commons in one bucket of a table that grew are
    refused rather than guessed (bfd's rehash reorders a bucket's chain)."""
    from .explain import _bfd_hash, _PRIMES
    from .mapfile import _entered_names
    size = 4051
    n = len(_entered_names(ctx))
    while n > size * 3 // 4:
        size = next(p for p in _PRIMES if p > size)
    seq = {id(s): i for i, s in enumerate(ctx.symtab.values())}
    keyed = [(_bfd_hash(s.name.encode()) % size, -seq[id(s)], s) for s in commons]
    if size != 4051 and len({k[0] for k in keyed}) != len(keyed):
        raise LinkError(f"--oformat {ctx.config.oformat}: COMMON symbols sharing a bucket of bfd's grown hash "
                        "table: bfd's allocation order is not reproduced (not supported)")
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [k[2] for k in keyed]


def generic_relocate(ctx) -> None:
    """Every relocation of the allocated output sections as bfd's generic linker applies it
    (bfd_perform_relocation with the target's howto): the field gets S + A, minus the place for a
    PC-relative howto, cut to the field's size; a value the howto's overflow rule rejects is an error.
    The relocations of non-allocated sections (debugging information) are not written to the image and
    are skipped."""
    from . import diag
    from .address import local_sym, sym_addr
    from .relvalues import rela_source, u64, s64
    from .elf import STB_LOCAL
    from .symbols import NONE
    howtos = ctx.target.generic_howtos
    buf = ctx.buf
    if ctx.reloc_parallel:      # (--threads=2: the linker-made sections the relocation pass writes)
        for c in ctx.reloc_rest:
            c.write(ctx, buf)
    for c in ctx.chunks:
        if not c.flags & SHF_ALLOC or c.type == SHT_NOBITS:
            continue
        for m in getattr(c, "members", ()):
            if getattr(m, "rel_size", 0) == 0 or getattr(m, "file", None) is None:
                continue
            obj = m.file
            rels, raw, n = rela_source(m, None)
            base_off = c.offset + m.out_off
            base_addr = c.addr + m.out_off
            for i in range(n):
                if rels is not None:
                    off, info, addend = rels[i]
                else:
                    off, info, addend = u64(raw, 24 * i), u64(raw, 24 * i + 8), s64(raw, 24 * i + 16)
                rtype = info & 0xffffffff
                h = howtos.get(rtype)
                if h is None:
                    raise LinkError(f"{obj.name}: unsupported relocation type {rtype:#x}")
                name, pcrel, size, bits, complain = h
                if size == 0:
                    continue
                if off + size > m.size:
                    diag.error(f"{obj.name}({m.name}): relocation \"{name}\" goes out of range")
                    continue
                idx = info >> 32
                s = obj.syms[idx] if idx < len(obj.syms) else None
                if s is None:
                    s = local_sym(obj, idx)
                sec = s.section
                if s.bind == STB_LOCAL and sec is None and not s.is_abs and s.rank != NONE:
                    gone = True     # its section is another object's COMDAT group's copy (dropped)
                else:
                    gone = sec is not None and getattr(sec, "file", None) is not None and (
                        not sec.alive or sec.out is None)
                if gone:
                    # a symbol of a discarded section (a COMDAT group's other copy): the field is zeroed
                    buf[base_off + off:base_off + off + size] = bytes(size)
                    continue
                if s.rank == NONE and not s.linker_defined:
                    value = 0       # undefined weak (an undefined strong symbol was reported already)
                else:
                    value = sym_addr(ctx, s)
                value = (value + addend) & 0xffffffffffffffff
                if pcrel:
                    value = (value - base_addr - off) & 0xffffffffffffffff
                if _overflows(complain, bits, value):
                    what = s.name if s.name else sec.name if sec is not None else "*ABS*"
                    diag.error(f"{obj.name}:({m.name}+{off:#x}): relocation truncated to fit: {name} "
                               f"against `{what}'")
                    continue
                mask = (1 << (8 * size)) - 1
                buf[base_off + off:base_off + off + size] = (value & mask).to_bytes(size, "little")
    diag.check_errors()


def _overflows(complain: str, bits: int, value: int) -> bool:
    """bfd_check_overflow on a 64-bit address: does VALUE (taken mod 2**64) fit a BITS-bit field?"""
    if complain == "dont" or bits >= 64:
        return False
    top = value >> (bits - 1 if complain == "signed" else bits)
    if complain == "unsigned":
        return top != 0
    # signed: the bits from the sign bit up all equal; bitfield: those above the field all equal
    return top not in (0, (1 << (64 - (bits - 1 if complain == "signed" else bits))) - 1)


def image(ctx) -> bytes:
    """The raw memory image: every allocated section with contents at its LMA minus the lowest one's,
    zeros between them, ending with the last one (bfd's binary back end)."""
    secs = [c for c in ctx.chunks if c.flags & SHF_ALLOC and c.type != SHT_NOBITS and c.size
            and not getattr(c, "noload", False)]
    if not secs:
        return b""
    lma = [(c, c.addr if getattr(c, "lma", None) is None else c.lma) for c in secs]
    low = min(a for _c, a in lma)
    end = max(a - low + c.size for c, a in lma)
    if end > 1 << 32:
        raise LinkError(f"{ctx.config.output}: the raw image would be {end:#x} bytes (its sections' load "
                        f"addresses span {low:#x} to {low + end:#x}); not written")
    out = bytearray(end)
    src = ctx.buf
    for c, a in lma:         # (in section order: a later section overwrites an earlier one it overlaps)
        out[a - low:a - low + c.size] = src[c.offset:c.offset + c.size]
    return bytes(out)
