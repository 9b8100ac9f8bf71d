"""Relocations applied with native byte stores, one output section's members at a time: mypy's runtime
library (librt) has a BytesWriter whose item loads and stores compile to plain C, where
struct.pack_into costs ~1,000 instructions a call (~40% of the apply pass).  A target's fast module
(arch/*_fast.py) supplies the loop over one section's common relocations; this module gives it a
BytesWriter over a piece of the image and puts the result back.  Imported for links with many
relocations only (librt's import costs ~0.7 ms); without librt (no mypy installed) HAVE_WRITER is
False and the targets' own loops do everything.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final
from ._ints import i64
from .inputs.objparse import InputSection

try:
    from librt.strings import BytesWriter
    HAVE_WRITER = True
except ImportError:
    HAVE_WRITER = False


def apply_jobs(ctx, buf: Any, jobs: list[tuple[Any, int, int]], native: Any, listed: Any, whole: Any,
               finish: Any = None) -> None:
    """writer.py's jobs: each input section's relocations, read from their bytes.  The members of one
    output section are relocated together in a BytesWriter holding a copy of their range of the image:
    native(ctx, obj, sec, w, wbase, addr, deferred) applies a section's common relocations and lists
    the indices of the others in `deferred`, or returns False when the section must be done whole
    (its original bytes are then restored and whole(ctx, obj, sec, None, buf, off, addr) does it).
    (A call through a variable is a generic one: ~2 M instructions of synth-16x's 1.75 G.)
    After the copy back, listed(ctx, obj, sec, deferred, buf, off, addr) applies the deferred ones and
    finish(ctx, sec, buf, off, addr), when given, whatever a section needs once all of its
    relocations are in (a target's erratum fixes)."""
    nj = len(jobs)
    k = 0
    e: int
    lo: int
    sec: InputSection
    while k < nj:
        sec = jobs[k][0]
        out = sec.out
        lo = jobs[k][1]
        e = k + 1
        # (pieces of at most _GROUP_SPAN bytes: the copies then stay below malloc's mmap threshold
        # and reuse the heap's pages, where big ones were fresh mappings, page-faulted in each time)
        while e < nj:
            sec = jobs[e][0]
            if sec.out is not out or jobs[e][1] - lo >= _GROUP_SPAN:
                break
            e += 1
        _apply_group(ctx, buf, jobs, k, e, native, listed, whole, finish)
        k = e


_GROUP_SPAN: Final = 1 << 16


def _apply_group(ctx, buf: Any, jobs: list[tuple[Any, int, int]], k: int, e: int, native: Any,
                 listed: Any, whole: Any, finish: Any) -> None:
    lo: int = jobs[k][1]
    hi: int = lo
    nrel: int = 0
    m: InputSection     # (the jobs' sections: their fields read natively)
    for j in range(k, e):
        m, off, _a = jobs[j]
        if off < lo:
            lo = off
        if off + m.size > hi:
            hi = off + m.size
        nrel += m.rel_size
    failed: list[int] = []
    # (the range is copied three times: a big range with few relocations is done the general way)
    if lo < 0 or hi > len(buf) or hi - lo > nrel * 10:      # (nrel: bytes of Elf64_Rela, 24 each)
        failed = list(range(k, e))
    else:
        w = BytesWriter()
        w.write(buf[lo:hi])     # (a bytearray slice, or bytes from an mmap: either is a copy)
        done: list[tuple[int, list[int]]] = []
        for j in range(k, e):
            m, off, addr = jobs[j]
            deferred: list[int] = []
            if native(ctx, m.file, m, w, off - lo, addr, deferred):
                done.append((j, deferred))
            else:
                failed.append(j)
        keep = [bytes(buf[jobs[j][1]:jobs[j][1] + jobs[j][0].size]) for j in failed]
        buf[lo:hi] = w.getvalue()
        for j, b in zip(failed, keep):      # (their original bytes: w may hold some of their fields)
            buf[jobs[j][1]:jobs[j][1] + len(b)] = b
        for j, idxs in done:
            m, off, addr = jobs[j]
            if idxs:
                listed(ctx, m.file, m, idxs, buf, off, addr)
            if finish is not None:
                finish(ctx, m, buf, off, addr)
    for j in failed:
        m, off, addr = jobs[j]
        whole(ctx, m.file, m, None, buf, off, addr)


BOUND: Final = 1 << 60


def bounded(x: int) -> i64:
    """x as an i64 when |x| < 2**60, else BOUND (the fast loops' signal to take the general path):
    their arithmetic on such values cannot wrap."""
    if -BOUND < x < BOUND:
        return x
    return BOUND


def eligible(sec: InputSection, base_addr: int) -> bool:
    """Whether a fast loop may take the section: not .eh_frame (ehframe.py relocates it), not one whose
    relocations were rewritten (reversed .ctors), and at an address its arithmetic holds."""
    if sec.is_eh_frame or sec._relocs is not None and sec.data_override is not None:
        return False
    return -BOUND < base_addr < BOUND
