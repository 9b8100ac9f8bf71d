"""-Map FILE / -M: a GNU-style link map (output sections, their input sections, and symbols)."""
from __future__ import annotations

from .inputs.object import InputSection
from .sections import OutputSection, Fragment


def write_map(ctx) -> None:
    from .address import sym_addr
    lines = []
    add = lines.append
    syms_by_sec: dict[int, list] = {}
    for s in ctx.symtab.values():
        if s.rank >= 2 and isinstance(s.section, InputSection):
            syms_by_sec.setdefault(id(s.section), []).append(s)
    from .explain import map_archive_members, map_as_needed, write_cref
    lines += map_archive_members(ctx)
    lines += map_as_needed(ctx)
    add("Discarded input sections\n")
    for obj in ctx.objs:
        for sec in obj.sections:
            if sec is not None and not sec.alive:
                add(f" {sec.name:<14} 0x{0:016x} {sec.size:#10x} {obj.name}")
    add("\nMemory Configuration\n\nName             Origin             Length             Attributes")
    add("*default*        0x0000000000000000 0xffffffffffffffff\n")
    add("Linker script and memory map\n")
    for c in getattr(ctx, "layout_order", None) or ctx.chunks:   # script order, as bfd (not header order)
        add(f"{c.name:<15} 0x{c.addr:016x} {c.size:#10x}")
        if isinstance(c, OutputSection):
            for m in c.members:
                addr = c.addr + m.out_off
                if isinstance(m, InputSection):
                    add(f" {m.name:<14} 0x{addr:016x} {m.size:#10x} {m.file.name}")
                    for s in sorted(syms_by_sec.get(id(m), ()), key=lambda s: s.value):
                        add(f"{'':16}0x{sym_addr(ctx, s):016x}                {s.name}")
                elif isinstance(m, Fragment):
                    add(f" {m.name:<14} 0x{addr:016x} {m.size:#10x} (merged constants and strings)")
                else:
                    add(f" {m.name:<14} 0x{addr:016x} {m.size:#10x}")
        add("")
    text = "\n".join(lines) + "\n"
    if ctx.config.cref:
        text += write_cref(ctx)
    from .explain import _write
    _write(ctx.config.map_file, text, "map")
