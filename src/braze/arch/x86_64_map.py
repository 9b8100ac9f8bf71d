"""x86-64's part of -Map (mapfile.py): bfd's "Merging program properties" report. Imported only
when a link asks for a map."""
from __future__ import annotations

from ..elf import (GNU_PROPERTY_X86_UINT32_AND_LO, GNU_PROPERTY_X86_UINT32_AND_HI, GNU_PROPERTY_X86_UINT32_OR_LO,
                   GNU_PROPERTY_X86_UINT32_OR_HI, GNU_PROPERTY_X86_UINT32_OR_AND_LO,
                   GNU_PROPERTY_X86_UINT32_OR_AND_HI, GNU_PROPERTY_X86_FEATURE_1_AND)
from .x86_64 import forced_features, GNU_PROPERTY_X86_COMPAT_ISA_1_USED as COMPAT_ISA_1_USED, \
    GNU_PROPERTY_X86_COMPAT_ISA_1_NEEDED as COMPAT_ISA_1_NEEDED


def map_property_notes(ctx, notes: list) -> tuple[list[str] | None, set[int]]:
    """bfd's "Merging program properties" lines of -Map and the objects whose .note.gnu.property bfd
    discards. NOTES: [(object, {pr_type: value} or None)] of the relocatable inputs in load order
    (None: no property note). As bfd: the first object with properties keeps its note and takes in
    each other object's in turn (its own note is discarded); the AND range (FEATURE_1_AND) loses a
    property an object lacks or that ANDs to 0, the OR_AND range (*_USED) one that either lacks, the
    OR range (*_NEEDED) ORs; each loss is a `Removed` line, each changed value an `Updated` one.
    The generic ranges (properties.py) the same way, except that an OR property the first object lacks
    is taken in without a line (a `Removed` one when it is 0), and one that ORs to 0 is removed; -z indirect-extern-access's bit is in
    the first object's properties from the start.
    The lines are None when no object has properties (bfd then writes no heading either)."""
    from ..elf import GNU_PROPERTY_1_NEEDED, GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
    from ..properties import is_generic, is_generic_or, merge_step
    lines: list[str] = []
    dropped: set[int] = set()
    first = None
    for o, props in notes:
        if props:
            first = o
            merged = dict(props)
            break
    if first is None:
        if ctx.config.indirect_extern_access == 1:
            return [], set()            # (bfd's own note: the heading, no line)
        return None, {id(o) for o, props in notes if props is not None}
    fname = first.name
    # -z ibt/shstk/lam-*: bfd ORs the forced bits into the first object's FEATURE_1_AND, then into
    # each merge's result
    forced = forced_features(ctx.config)
    if forced:
        merged[GNU_PROPERTY_X86_FEATURE_1_AND] = merged.get(GNU_PROPERTY_X86_FEATURE_1_AND, 0) | forced
    if ctx.config.indirect_extern_access == 1:
        merged[GNU_PROPERTY_1_NEEDED] = merged.get(GNU_PROPERTY_1_NEEDED, 0) | \
            GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
    for o, props in notes:
        if o is first:
            continue
        if props is not None:
            dropped.add(id(o))
        mine = props or {}
        had = set(merged)
        for t in sorted(merged):
            a = merged[t]
            b = mine.get(t)
            if is_generic(t):
                new = merge_step(t, a, b)
            elif GNU_PROPERTY_X86_UINT32_AND_LO <= t <= GNU_PROPERTY_X86_UINT32_AND_HI:
                f = forced if t == GNU_PROPERTY_X86_FEATURE_1_AND else 0
                if b is None and f:
                    # (bfd's line for this case prints the new value in hex without its 0x)
                    if f != a:
                        lines.append(f"Updated property 0x{t:x} ({f:x}) to merge {fname} (0x{a:x}) and "
                                     f"{o.name} (not found)")
                        merged[t] = f
                    continue
                new = None if b is None else (a & b) | f
                if new == 0:
                    new = None
                elif new is not None and a != b:
                    # (bfd reports a merge with a different value, even when the result is unchanged)
                    lines.append(f"Updated property 0x{t:x} (0x{new:x}) to merge {fname} (0x{a:x}) and "
                                 f"{o.name} (0x{b:x})")
                    merged[t] = new
                    continue
            elif GNU_PROPERTY_X86_UINT32_OR_AND_LO <= t <= GNU_PROPERTY_X86_UINT32_OR_AND_HI or t == COMPAT_ISA_1_USED:
                new = None if b is None else a | b
            elif GNU_PROPERTY_X86_UINT32_OR_LO <= t <= GNU_PROPERTY_X86_UINT32_OR_HI or t == COMPAT_ISA_1_NEEDED:
                new = a if b is None else a | b
            else:
                continue
            theirs = "not found" if b is None else f"0x{b:x}"
            if new is None:
                lines.append(f"Removed property 0x{t:x} to merge {fname} (0x{a:x}) and {o.name} ({theirs})")
                del merged[t]
            elif new != a:
                lines.append(f"Updated property 0x{t:x} (0x{new:x}) to merge {fname} (0x{a:x}) and "
                             f"{o.name} ({theirs})")
                merged[t] = new
        for t in sorted(mine):
            if t in had:
                continue
            b = mine[t]
            if is_generic_or(t) and b:
                merged[t] = b
            elif is_generic(t):
                lines.append(f"Removed property 0x{t:x} to merge {fname} (not found) and {o.name} (0x{b:x})")
            elif GNU_PROPERTY_X86_UINT32_OR_LO <= t <= GNU_PROPERTY_X86_UINT32_OR_HI or t == COMPAT_ISA_1_NEEDED:
                merged[t] = b
                lines.append(f"Updated property 0x{t:x} (0x{b:x}) to merge {fname} (not found) and "
                             f"{o.name} (0x{b:x})")
            elif GNU_PROPERTY_X86_UINT32_AND_LO <= t <= GNU_PROPERTY_X86_UINT32_OR_AND_HI or t == COMPAT_ISA_1_USED:
                lines.append(f"Removed property 0x{t:x} to merge {fname} (not found) and {o.name} (0x{b:x})")
    if not merged:
        dropped.add(id(first))
    return lines, dropped
