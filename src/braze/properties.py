"""The generic GNU property ranges of .note.gnu.property, merged as bfd 2.40 merges them on every
machine: GNU_PROPERTY_UINT32_AND (0xb0000000-0xb0007fff: kept when every object has it, ANDed) and
GNU_PROPERTY_UINT32_OR (0xb0008000-0xb000ffff: ORed), whose one property in use is
GNU_PROPERTY_1_NEEDED (bit 0: the object needs indirect external access, gcc -mno-direct-extern-access);
and GNU_PROPERTY_NO_COPY_ON_PROTECTED (no data), kept when any object has it.

As bfd: the first object's properties take in each other object's in load order (objects without a
note included); a property that merges to 0 is removed (an OR one with value 0 is kept only when no
merge happens: a link of one object). The machine's -z indirect-extern-access sets bit 0 of
GNU_PROPERTY_1_NEEDED before the merge, -z noindirect-extern-access clears it after (the property
stays, with 0)."""
from __future__ import annotations

from .elf import (GNU_PROPERTY_UINT32_AND_HI, GNU_PROPERTY_UINT32_OR_LO, GNU_PROPERTY_UINT32_OR_HI,
                  GNU_PROPERTY_1_NEEDED, GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS, GNU_PROPERTY_NO_COPY_ON_PROTECTED)


def is_generic(t: int) -> bool:
    return GNU_PROPERTY_UINT32_OR_LO - 0x8000 <= t <= GNU_PROPERTY_UINT32_OR_HI


def is_generic_or(t: int) -> bool:
    return GNU_PROPERTY_UINT32_OR_LO <= t <= GNU_PROPERTY_UINT32_OR_HI


def merge_step(t: int, a: int | None, b: int | None) -> int | None:
    """The merged value of generic property T from A (merged so far) and B (the next object's; None:
    absent); None: the property is removed (or stays absent)."""
    if t == GNU_PROPERTY_NO_COPY_ON_PROTECTED:
        return None if a is None and b is None else 0      # (no data: kept when any object has it)
    if is_generic_or(t):
        if a is None:
            return b if b else None
        v = a if b is None else a | b
        return v if v else None
    if a is None or b is None or t > GNU_PROPERTY_UINT32_AND_HI:
        return None
    return (a & b) or None


def merged_generic(objs, iea: int) -> dict[int, int]:
    """{pr_type: value} of the generic ranges over OBJS (the relocatable inputs in load order);
    IEA: -z indirect-extern-access 1, -z noindirect-extern-access 0, neither -1 (machines without the
    options: -1)."""
    first = next((o for o in objs if has_note(o)), None)
    acc: dict[int, int] = dict(first.gnu_props) if first is not None else {}
    if iea == 1:
        acc[GNU_PROPERTY_1_NEEDED] = acc.get(GNU_PROPERTY_1_NEEDED, 0) | GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
    for o in objs:
        if o is first:
            continue
        mine = getattr(o, "gnu_props", None) or {}
        for t in sorted(set(acc) | set(mine)):
            v = merge_step(t, acc.get(t), mine.get(t))
            if v is None:
                acc.pop(t, None)
            else:
                acc[t] = v
    if iea == 0 and GNU_PROPERTY_1_NEEDED in acc:
        acc[GNU_PROPERTY_1_NEEDED] &= ~GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
    return acc


def has_note(o) -> bool:
    """The object has a .note.gnu.property section (some property bfd reads)."""
    return bool(getattr(o, "proc_props", None) or getattr(o, "gnu_props", None))


def note_home(objs):
    """The object bfd keeps the output's .note.gnu.property in (the others' are merged into it): the
    first with a note, else (a note made for an option, -z force-bti, -z ibt) the last object."""
    for o in objs:
        if has_note(o):
            return o
    return objs[-1] if objs else None
