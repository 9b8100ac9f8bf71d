"""The questions people ask a linker, answered from facts the link records as it goes.

* --why-extract=FILE (lld's format): `reference<TAB>extracted<TAB>symbol`, one row per archive member
  loaded to satisfy a reference, in load order; a -u symbol's reference is `<internal>`, as lld.
* --print-archive-stats=FILE (lld's format): `members<TAB>extracted<TAB>archive`, a row per use of
  an archive on the command line (--whole-archive uses are not listed, as lld).
* -Map/-M: bfd's "Archive member included to satisfy reference by file (symbol)" and "As-needed
  library included ..." sections.
* --why-live=GLOB (lld's format, with --gc-sections): the chain of references that kept a symbol.
* --time-trace[=FILE]: the passes as a Chrome trace (chrome://tracing, Perfetto, speedscope).
* --cref: bfd's cross reference table (objects, archive members and shared libraries; see write_cref
  and _dso_crefs).
* undefined-symbol hints: after braze's usual error lines, `>>>` lines with the likely cause.

The facts come from resolve.Reader (ctx.extracted, ctx.archive_uses) and gc.py (the why-live
reasons, recorded only when --why-live asks); nothing here runs unless an option or an error asks.
"""
from __future__ import annotations

import os
import sys

from . import diag
from .diag import LinkError
from .elf import (STT_TLS, SHN_UNDEF, SHN_COMMON, SHN_LORESERVE, SHT_SYMTAB, SHT_DYNSYM, STB_LOCAL, STB_WEAK,
                  STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_GNU_IFUNC, STV_HIDDEN, StructError)
from .symbols import NONE, COMMON

_CODE_OR_DATA = (STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_GNU_IFUNC)


_short: dict[str, str] = {}


def _short_names(names) -> None:
    """Demangle C++ names as bfd's %pT and lld print them: without libiberty's verbose flag, so
    `std::basic_istream<char, std::char_traits<char> >` is `std::istream` (`c++filt -i`, one run)."""
    import shutil
    import subprocess
    todo = sorted({n for n in names if n.startswith("_Z") and n not in _short})
    if todo and diag._demangle and "cxx" in diag._styles and shutil.which("c++filt"):
        try:
            out = subprocess.run(["c++filt", "-i"], input="\n".join(todo), capture_output=True, text=True,
                                 timeout=30).stdout.splitlines()
            if len(out) == len(todo):
                _short.update(zip(todo, out))
        except (OSError, subprocess.SubprocessError):
            pass


def _shown(name: str) -> str:
    """A name in the reports bfd and lld also write (-Map, --cref, --why-extract)."""
    if name.startswith("_Z") and diag._demangle and "cxx" in diag._styles:
        base, at, ver = name.partition("@")
        if base not in _short:
            _short_names([base])
        got = _short.get(base)
        return (got if got is not None else diag.demangle(base)) + at + ver
    return diag.demangle(name)


def _write(path: str, text: str, what: str) -> None:
    """Write a report to PATH ('-': stdout)."""
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        raise LinkError(f"cannot open {what} file {path}: {e.strerror}") from None


def map_as_needed(ctx) -> list[str]:
    """bfd's "As-needed library included to satisfy reference by file (symbol)" map section: each
    --as-needed library kept, by its DT_NEEDED name, the file whose reference kept it and the
    library's symbol that satisfied it (its `name@@VERSION`), laid out as the archive section."""
    if not ctx.as_needed_why:
        return []
    out = ["As-needed library included to satisfy reference by file (symbol)", ""]
    refs = _references(ctx, [s for _so, s, _d in ctx.as_needed_why])
    for so, s, d in ctx.as_needed_why:
        name = so.soname
        head = name + "\n" + " " * 30 if len(name) >= 29 else f"{name:<30}"
        shown = s.name if d is None or d[6] is None else f"{s.name}@@{d[6]}"
        ref = refs.get(id(s)) or ctx.as_needed_dso_ref.get(id(s))
        out.append(f"{head}{ref + ' ' if ref else ''}({_shown(shown)})")
    out.append("")
    return out


def _references(ctx, syms=None) -> dict:
    """{id(symbol): name of the file whose reference pulled a member in} for the extracted members:
    the first object with a non-weak reference (bfd's h->u.undef.abfd: a strong reference replaces
    an earlier weak one; lld extracts at the first strong one), or the common's file for a member
    loaded to replace a COMMON; absent for -u symbols (bfd: no file, lld: <internal>)."""
    if syms is None:
        syms = [s for _o, s in ctx.extracted if s is not None]
    want = {id(s): s for s in syms}
    for name in ctx.config.undefined:
        s = ctx.symtab.get(name)
        if s is not None:
            want.pop(id(s), None)
    out: dict = {}
    if not want:
        return out
    for obj in ctx.objs:
        syms = obj.syms
        esyms = obj.esyms
        for i in range(obj.first_global, len(esyms)):
            e = esyms[i]
            if e[3] == SHN_UNDEF and e[1] >> 4 != STB_WEAK:
                s = syms[i]
                if s is not None and id(s) in want and id(s) not in out:
                    out[id(s)] = obj.name
    for k, s in want.items():
        if k not in out:
            f = s.ref_file if s.ref_file is not None else s.file if s.rank == COMMON else None
            if f is not None:
                out[k] = f.name
    return out


def after_inputs(ctx) -> None:
    """The reports that only need the inputs read (written even if the link fails later, as lld)."""
    cfg = ctx.config
    if cfg.why_extract:
        rows = ["reference\textracted\tsymbol"]
        refs = _references(ctx)
        _short_names(s.name for _o, s in ctx.extracted if s is not None)
        for obj, s in ctx.extracted:
            if s is not None:
                rows.append(f"{refs.get(id(s), '<internal>')}\t{obj.name}\t{_shown(s.name)}")
        _write(cfg.why_extract, "\n".join(rows) + "\n", "--why-extract")
    if cfg.print_archive_stats:
        rows = ["members\textracted\tarchive"]
        for ar, n in ctx.archive_uses:
            rows.append(f"{len(ar.members())}\t{n}\t{ar.path}")
        _write(cfg.print_archive_stats, "\n".join(rows) + "\n", "--print-archive-stats")


def map_archive_members(ctx) -> list[str]:
    """bfd's first map section (ldmain's add_archive_element): the member padded to column 30 (on a
    line of its own when 29 characters or longer), the referencing file and (symbol); nothing when
    no member was loaded."""
    if not ctx.extracted:
        return []
    out = ["Archive member included to satisfy reference by file (symbol)", ""]
    refs = _references(ctx)
    refs.update(ctx.pre_lto_refs)
    _short_names(s.name for _o, s in ctx.extracted if s is not None)
    for obj, s in ctx.extracted:
        name = getattr(obj, "member_name", obj.name)
        head = name + "\n" + " " * 30 if len(name) >= 29 else f"{name:<30}"
        if s is None:
            out.append(f"{head}(--whole-archive)")
        else:
            ref = refs.get(id(s))
            out.append(f"{head}{ref + ' ' if ref else ''}({_shown(s.name)})")
    out.append("")
    return out


# ------------------------------------------------------------------ --time-trace

def write_time_trace(ctx) -> None:
    """The passes (ctx.timings) as complete ("X") events of one thread, plus a "Total" event, in the
    Trace Event Format lld and clang's -ftime-trace write; events shorter than
    --time-trace-granularity microseconds are left out, as LLVM's profiler does."""
    import json
    cfg = ctx.config
    pid = os.getpid()
    gran = cfg.time_trace_granularity
    events = []
    t = 0.0
    for name, dur in ctx.timings:
        us = dur * 1e6
        if us >= gran:
            events.append({"pid": pid, "tid": pid, "ph": "X", "ts": round(t), "dur": round(us), "name": name,
                           "args": {"detail": cfg.output}})
        t += us
    events.append({"pid": pid, "tid": pid, "ph": "X", "ts": 0, "dur": round(t), "name": "Total link",
                   "args": {"detail": cfg.output}})
    events.append({"pid": pid, "tid": pid, "ph": "M", "name": "process_name", "args": {"name": "braze"}})
    events.append({"pid": pid, "tid": pid, "ph": "M", "name": "thread_name", "args": {"name": "braze"}})
    text = json.dumps({"traceEvents": events, "beginningOfTime": round(ctx.start_wall * 1e6)}) + "\n"
    _write(cfg.time_trace_file or cfg.output + ".time-trace", text, "--time-trace")


# ------------------------------------------------------------------ --why-live

def print_why_live(ctx, sec_why: dict, sym_ref: dict, sym_root: dict) -> None:
    """lld's --why-live report (stdout): for each live global symbol matching a glob,
    `live symbol: FILE:(SYM)` then `>>> REASON: FILE:(SYMBOL or SECTION)` up to a root, whose
    reason ends the last line in parentheses.
    sec_why[id(section)]: ("root", desc) | ("sym", symbol) (kept for the symbol it defines) |
    ("ref", section) (a relocation of that section); sym_ref[id(symbol)]: the first live section
    that referenced it; sym_root[id(symbol)]: why the symbol is a root (entry point, -u, ...)."""
    import fnmatch
    from .inputs.object import InputSection
    pats = ctx.config.why_live
    out = []
    for name in sorted(ctx.symtab):
        s = ctx.symtab[name]
        if not any(fnmatch.fnmatchcase(name, p) for p in pats):
            continue
        sec = s.section
        if s.rank < COMMON or type(sec) is not InputSection or not sec.alive:
            continue
        lines = [f"live symbol: {_sym_where(s)}"]
        cur, seen = s, set()
        while id(cur) not in seen:
            seen.add(id(cur))
            if type(cur) is InputSection:
                why = sec_why.get(id(cur))
                if why is None or why[0] == "root":
                    lines[-1] += f" ({why[1] if why else 'no reason recorded'})"
                    break
                if why[0] == "sym":
                    cur = why[1]
                    lines.append(f">>> contained live symbol: {_sym_where(cur)}")
                else:
                    cur = why[1]
                    lines.append(f">>> referenced by: {cur.file.name}:({cur.name})")
            else:
                root = sym_root.get(id(cur))
                if root is not None:
                    lines[-1] += f" ({root})"
                    break
                ref = sym_ref.get(id(cur))
                if ref is not None:
                    cur = ref
                    lines.append(f">>> referenced by: {cur.file.name}:({cur.name})")
                else:
                    cur = cur.section
                    lines.append(f">>> in live section: {cur.file.name}:({cur.name})")
        out.append("\n".join(lines))
    if out:
        sys.stdout.write("\n".join(out) + "\n")


def _sym_where(s) -> str:
    return f"{s.file.name if s.file is not None else '<internal>'}:({_shown(s.name)})"


# ------------------------------------------------------------------ --cref

def check_cref(ctx) -> None:
    """--cref with LTO (files a plugin claimed) is refused: bfd lists the IR files' own symbols
    (`FILE (symbol from plugin)`) by rules braze does not reproduce (it drops, for one, an IR file's
    references to names a shared library defines)."""
    host = getattr(ctx, "plugins", None)
    if host is not None and host.files:
        raise LinkError(f"option --cref is not supported with LTO inputs ({host.files[0].input_name})")


def write_cref(ctx) -> str:
    """bfd's Cross Reference Table (ldcref.c): every global name an input's symbol table mentions,
    sorted (by the demangled name, then the raw one); per name, the defining files, then the files
    with a common, then the referencing files, each list latest input first (bfd prepends), the file
    names from column 50; symbols in sections --gc-sections removed are listed too, as bfd does.
    Inputs: the objects and loaded archive members, then the shared libraries' rows (_dso_crefs)."""
    refs: dict[str, list] = {}
    first = None
    r = getattr(ctx, "reader", None)
    lcommon = ctx.target.large_common_shndx or SHN_COMMON     # (a large common is a common)
    for obj in ctx.objs:
        if getattr(obj, "synthetic", False):
            continue
        first = first or obj
        names = obj.sym_names
        esyms = obj.esyms
        secs = obj.sections
        for i in range(obj.first_global, len(esyms)):
            e = esyms[i]
            if e[1] >> 4 == STB_LOCAL:
                continue
            shndx = e[3]
            # a definition in a discarded COMDAT copy is a reference for bfd
            kind = (2 if shndx == SHN_UNDEF or (shndx < len(secs) and secs[shndx] is None and shndx < SHN_LORESERVE)
                    else 1 if shndx == SHN_COMMON or shndx == lcommon else 0)
            lst = refs.setdefault(names[i], [])
            for j, (o, k) in enumerate(lst):
                if o is obj:
                    if kind < k:
                        lst[j] = (obj, kind)
                    break
            else:
                lst.append((obj, kind))
    # bfd defines _GLOBAL_OFFSET_TABLE_ in its "dynobj", the first input object
    dynamic = r is not None and bool(r.dso_paths)
    for gname in ("_DYNAMIC", "_GLOBAL_OFFSET_TABLE_"):
        # a dynamic link: bfd's dynobj defines both, whether or not an object mentions them
        got = refs.get(gname)
        s = ctx.symtab.get(gname)
        if first is None or not (dynamic or (got and s is not None and s.linker_defined)) \
                or (gname == "_DYNAMIC" and not dynamic and not getattr(ctx, "static_pie", False)):
            continue
        got = refs.setdefault(gname, [])
        for j, (o, k) in enumerate(got):
            if o is first:
                got[j] = (o, 0)
                break
        else:
            got.append((first, 0))
    if ctx.config.eh_frame_hdr and first is not None:
        # bfd defines __GNU_EH_FRAME_HDR in the output file itself (named as -o gave it)
        from types import SimpleNamespace
        refs.setdefault("__GNU_EH_FRAME_HDR", []).append((SimpleNamespace(name=ctx.config.output), 0))
    _dso_crefs(ctx, refs)
    _short_names({n.partition("@")[0] for n in refs})     # one c++filt run, version suffixes apart
    shown = {n: _shown(n) for n in refs}
    lines = ["", "Cross Reference Table", "", f"{'Symbol':<50}File"]
    for name in _cref_order(list(refs), shown):
        lst = refs[name][::-1]      # bfd prepends each file to a name's list
        head = shown[name] + " "
        first = True
        for want in (0, 1, 2):
            for obj, kind in lst:
                if kind != want:
                    continue
                pad = head if first else ""
                lines.append(f"{pad:<50}{obj.name}" if len(pad) < 50 else f"{pad}{obj.name}")
                first = False
    return "\n".join(lines) + "\n"


def _dso_crefs(ctx, refs: dict) -> None:
    """The rows bfd adds for shared libraries (found by experiment with ld.bfd 2.40), libraries taken
    in bfd's load order (command line, --as-needed ones kept, then those loaded for DT_NEEDED; a
    dropped --as-needed library leaves no row, bfd restores its table snapshot):
    - version definitions: one row, every library defining it;
    - a default-versioned definition that is weak or that an object references: `name@@V` for every
      library defining it; `name` and `name@V` for the first one only, `name` not when an object
      defines it (bfd enters the plain name once); in -shared a non-weak one is dropped with the
      objects' rows (bfd's definition has no output section); hidden weak versions as `name@V`;
    - a library's undefined symbols (weak or not) as references, `name@VER` when versioned, unless
      the name ends in a non-weak library definition no object references (bfd's printing skips a
      name defined in a dynamic object and referenced only by dynamic objects);
    - .gnu.warning names.
    Per name, bfd prints the first library's definition, then the later ones latest first; references
    latest first like every file."""
    r = getattr(ctx, "reader", None)
    if r is None:
        return
    shared = ctx.config.shared
    referenced = set(refs)
    obj_defined = {n for n, lst in refs.items() if any(k < 2 for _o, k in lst)}
    dsos = [so for so in r.dso_paths.values() if so.is_alive and not getattr(so, "dt_needed", False)] + \
        list(getattr(ctx, "indirect_dsos", ()))
    defrows: dict[str, list] = {}       # row name -> the libraries defining it, in load order
    first_plain: dict[str, object] = {}  # name -> the first library defining it (default version)
    strong: dict[str, bool] = {}         # name or name@V -> the first library definition is not weak
    dropped: set[str] = set()
    # a copy relocation moves bfd's definition, and those of its aliases (same library, same
    # address), to .dynbss: they are printed like referenced names (glibc's __environ for environ)
    copynames = {sym.name for sym in ctx.symtab.values() if sym.copyrel}
    copied = {(id(so), d[1], d[5]) for so in dsos if copynames for d in so.defs
              if d[0] in copynames and d[3] != STT_TLS}

    def add(n: str, so) -> None:
        lst = defrows.setdefault(n, [])
        if so not in lst:
            lst.append(so)

    for so in dsos:
        vnames = set(so.versions.values())
        for d in so.defs:
            name, ver, hidden = d[0], d[6], d[7]
            weak = d[4] == STB_WEAK
            if not hidden:
                strong.setdefault(name, not weak)
            if ver is not None:
                strong.setdefault(f"{name}@{ver}", not weak)
            if hidden and ver is not None:
                if weak:
                    add(f"{name}@{ver}", so)
                continue
            if ver is not None and name == ver and name in vnames:
                add(name, so)
                continue
            if name in referenced and not weak and name not in obj_defined and _no_output_section(ctx, name):
                dropped.add(name)   # bfd drops the name, objects' rows too (__libc_start_main; -shared)
                continue
            if not (weak or name in referenced or (copied and d[3] != STT_TLS and (id(so), d[1], d[5]) in copied)):
                first_plain.setdefault(name, so)
                continue
            if first_plain.setdefault(name, so) is so:
                if name not in obj_defined:
                    add(name, so)
                if ver is not None:
                    add(f"{name}@{ver}", so)
            if ver is not None:
                add(f"{name}@@{ver}", so)
        # a .gnu.warning.NAME section for a name the library does not export (glibc's
        # __compat_bdflush): bfd enters NAME as the library's definition
        exported = {d[0] for d in so.defs}
        for n in _warning_names(so):
            if n not in exported:
                add(n, so)
    for name in dropped:
        refs.pop(name, None)
    for n, sos in defrows.items():
        if n in dropped:
            continue
        lst = refs.setdefault(n, [])
        # printed reversed: the first library, then the later ones latest first
        lst[:0] = [(so, 0) for so in sos[1:]] + [(sos[0], 0)]
    for so in dsos:
        for name, ver in _dso_undefs(so):
            n = f"{name}@{ver}" if ver else name
            if name not in referenced and name not in obj_defined and strong.get(n if ver else name):
                continue    # defined (not weak) by a library, referenced only by libraries
            if shared and name in dropped:
                continue
            lst = refs.setdefault(n, [])
            if not any(o is so for o, _k in lst):
                lst.append((so, 2))


def _no_output_section(ctx, name: str) -> bool:
    """Whether bfd's definition of NAME, a library's non-weak symbol an object references, stays in
    the library's section (no output section: bfd prints no row for the name): always in -shared; in
    an executable unless the link gave it a PLT entry or a copy relocation (bfd then moves the
    definition there) or the objects only reference it weakly (found by experiment)."""
    if ctx.config.shared:
        return True
    s = ctx.symtab.get(name)
    if s is None:
        return True
    return not (s.plt_idx >= 0 or s.pltgot_idx >= 0 or s.copyrel or not s.ref_strong)


def _dso_undefs(so) -> list[tuple[str, str | None]]:
    """A library's undefined dynamic symbols, weak ones too, each with its needed version's name
    (read only for --cref: the reader keeps only the non-weak ones)."""
    from .elf import ET_DYN, SYM
    from .inputs.elfhdr import read_headers
    import _struct as struct
    v = so.view
    try:
        _ehdr, shdrs, _shstrndx = read_headers(v, so.error, ET_DYN)
    except LinkError:
        return []
    dynsym = next((sh for sh in shdrs if sh[1] == SHT_DYNSYM), None)
    if dynsym is None or dynsym[6] >= len(shdrs):
        return []
    versym = next((sh for sh in shdrs if sh[1] == 0x6fffffff), None)
    st = shdrs[dynsym[6]]
    strtab = bytes(v[st[4]:st[4] + st[5]])
    cnt = dynsym[5] // SYM.size
    vers = (struct.unpack_from(f"<{cnt}H", v, versym[4])
            if versym is not None and versym[5] >= 2 * cnt else None)
    out = []
    for i, (st_name, info, _other, shndx, _value, _sz) in enumerate(
            SYM.iter_unpack(v[dynsym[4]:dynsym[4] + cnt * SYM.size])):
        if i == 0 or shndx != SHN_UNDEF or info >> 4 == STB_LOCAL:
            continue
        e = strtab.find(b"\0", st_name)
        name = strtab[st_name:e].decode("utf-8", "replace")
        vidx = vers[i] & 0x7fff if vers is not None else 0
        out.append((name, so.verneed_names.get(vidx) if vidx > 1 else None))
    return out


def _warning_names(so) -> list[str]:
    """The NAMEs of a library's .gnu.warning.NAME sections (read only for --cref)."""
    from .elf import ET_DYN
    from .inputs.elfhdr import read_headers
    v = so.view
    try:
        _ehdr, shdrs, shstrndx = read_headers(v, so.error, ET_DYN)
    except LinkError:
        return []
    if not shstrndx or shstrndx >= len(shdrs):
        return []
    st = shdrs[shstrndx]
    names = bytes(v[st[4]:st[4] + st[5]])
    out = []
    for sh in shdrs:
        e = names.find(b"\0", sh[0])
        n = names[sh[0]:e]
        if n.startswith(b".gnu.warning."):
            out.append(n[13:].decode("utf-8", "replace"))
    return out


_PRIMES = (31, 61, 127, 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071, 262139, 524287,
           1048573, 2097143, 4194301, 8388593, 16777213, 33554393, 67108859, 134217689, 268435399)


def _bfd_hash(raw: bytes) -> int:
    """bfd's string hash (bfd_hash_hash)."""
    mask = (1 << 64) - 1
    h = 0
    for c in raw:
        h = (h + c + (c << 17)) & mask
        h ^= h >> 2
    n = len(raw)
    h = (h + n + (n << 17)) & mask
    return h ^ (h >> 2)


def _cref_order(names: list[str], shown: dict) -> list[str]:
    """NAMES sorted as bfd prints them: by the shown name, ties (names that demangle alike) in bfd's
    hash-table order. Usually the tied names sit in different buckets of the final table, whose
    index orders them: hashing just those is enough; otherwise the whole table is simulated."""
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(shown[n], []).append(n)
    tied = [g for g in groups.values() if len(g) > 1]
    if not tied:
        return sorted(names, key=shown.__getitem__)
    size = 4051
    while len(names) > size * 3 // 4:
        size = next(p for p in _PRIMES if p > size)
    bucket: dict[str, int] = {}
    for g in tied:
        idx = [_bfd_hash(n.encode()) % size for n in g]
        if len(set(idx)) != len(idx):
            return sorted(_bfd_hash_order(names), key=shown.__getitem__)
        bucket.update(zip(g, idx))
    return sorted(names, key=lambda n: (shown[n], bucket.get(n, 0)))


def _bfd_hash_order(names: list[str]) -> list[str]:
    """NAMES (in the order bfd first enters them) in the order bfd's hash table traverses them: bfd
    sorts the cref table with a stable sort on the demangled name only, so names that demangle alike
    (a constructor's C1/C2 variants) stay in hash-table order. bfd's string hash, 4051 buckets to
    start, new entries at the head of their chain, grown to the next prime of its list when more
    than 3/4 full (rehashing runs of equal hashes, as bfd_hash_insert does)."""
    mask = (1 << 64) - 1
    size = 4051
    table: list[list] = [[] for _ in range(size)]
    count = 0
    for name in names:
        h = 0
        raw = name.encode()
        for c in raw:
            h = (h + c + (c << 17)) & mask
            h ^= h >> 2
        n = len(raw)
        h = (h + n + (n << 17)) & mask
        h ^= h >> 2
        table[h % size].insert(0, (h, name))
        count += 1
        if count > size * 3 // 4:
            newsize = next(p for p in _PRIMES if p > size)
            new: list[list] = [[] for _ in range(newsize)]
            for chain in table:
                while chain:
                    k = 1
                    while k < len(chain) and chain[k][0] == chain[0][0]:
                        k += 1
                    run, chain[:] = chain[:k], chain[k:]
                    idx = run[0][0] % newsize
                    new[idx][:0] = run
            table, size = new, newsize
    return [name for chain in table for _h, name in chain]


# ------------------------------------------------------------------ undefined-symbol hints

_IDENT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


class _Defined:
    """Every name the link defines (objects, libraries' exports, even those not yet bound), built once
    per failing link."""

    def __init__(self, ctx):
        self.where: dict[str, str] = {}
        for name, s in ctx.symtab.items():
            if s.rank != NONE and s.file is not None and not getattr(s.file, "synthetic", False):
                self.where[name] = s.file.name
        r = getattr(ctx, "reader", None)
        for name, d in (getattr(r, "dso_defs", None) or {}).items():
            self.where.setdefault(name, d[0].name)
        self._lower = None
        self.cxx = None             # the C++ (mangled) names, sorted

    def lower(self) -> dict:
        if self._lower is None:
            self._lower = {}
            for n in sorted(self.where):
                self._lower.setdefault(n.lower(), n)
        return self._lower


def undefined_hints(ctx, s, cache: dict) -> list[str]:
    """`>>>` lines explaining an undefined symbol: a near spelling; a C++ definition with other
    parameter types or in another scope; a C/C++ linkage mismatch (lld's wording for the two it
    has); a local or hidden definition; a library in the search path, not on the command line, that
    defines it."""
    n = cache["count"] = cache.get("count", 0) + 1
    if n > 20:                  # a link missing a whole library: hint at the first ones only
        return []
    d = cache.get("defined")
    if d is None:
        d = cache["defined"] = _Defined(ctx)
    name = s.name
    out: list[str] = []
    out += _cxx_hints(d, name)
    if not out:
        near = _near_spelling(d, name)
        if near is not None:
            out += [f">>> did you mean: {diag.demangle(near)}", f">>> defined in: {d.where[near]}"]
    out += _local_hints(ctx, name)
    if not out:
        lib = _library_in_search_path(ctx, name, cache)
        if lib is not None:
            path, flag = lib
            out.append(f">>> note: {diag.demangle(name)} is defined in {path}, which is not on the command "
                       f"line (add {flag})")
    return out


def _near_spelling(d: _Defined, name: str) -> str | None:
    """A defined name one edit away (deletion, insertion, substitution, transposition), or the same
    name in another case, as lld's spell corrector; mangled (`_Z...`, Rust `_R...`) and reserved
    (`__...`) names are not tried."""
    if name.startswith(("_Z", "__", "_R")) or len(name) < 3:
        return None
    where = d.where
    cands = []
    for i in range(len(name) + 1):
        if i < len(name):
            cands.append(name[:i] + name[i + 1:])
            if i + 1 < len(name):
                cands.append(name[:i] + name[i + 1] + name[i] + name[i + 2:])
        for c in _IDENT:
            if i < len(name):
                cands.append(name[:i] + c + name[i + 1:])
            cands.append(name[:i] + c + name[i:])
    for c in cands:
        if c != name and c in where and not c.startswith("__"):
            return c
    hit = d.lower().get(name.lower())
    return hit if hit is not None and hit != name else None


def _source_name(ident: str) -> str:
    return f"{len(ident)}{ident}"


def _split_cxx(dem: str) -> tuple[str, str]:
    """A demangled function name -> (qualified name, parameter list); ('', '') when not a function."""
    if not dem.endswith(")") and not dem.endswith(") const"):
        return dem, ""
    depth = 0
    for i in range(len(dem) - 1, -1, -1):
        ch = dem[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return dem[:i], dem[i:]
    return dem, ""


def _unqualified(q: str) -> str:
    depth = 0
    for i in range(len(q) - 1, -1, -1):
        ch = q[i]
        if ch in ">)":
            depth += 1
        elif ch in "<(":
            depth -= 1
        elif ch == ":" and depth == 0 and i > 0 and q[i - 1] == ":":
            return q[i + 1:]
    return q


def _cxx_hints(d: _Defined, name: str) -> list[str]:
    where = d.where
    if name.startswith("_Z"):
        dem = diag.cxx_name(name)
        if dem == name:
            return []
        qual, params = _split_cxx(dem)
        ident = _unqualified(qual)
        if not ident.isidentifier():
            return []
        if ident in where and not ident.startswith("_Z"):
            # C++ code calls a function defined with C linkage
            return [f">>> did you mean: extern \"C\" {ident}", f">>> defined in: {where[ident]}",
                    f">>> note: {dem} is a C++ name; {ident} was compiled as C (declare it extern \"C\" "
                    f"where {dem} is used)"]
        cands = _cxx_candidates(d, ident, name)
        same = [(c, cd) for c, cd in cands if _split_cxx(cd)[0] == qual]
        if same:
            c, cd = same[0]
            return [f">>> did you mean: {cd}", f">>> defined in: {where[c]}",
                    f">>> note: {qual} is defined with other parameter types {_split_cxx(cd)[1]}, "
                    f"referenced as {qual}{params}"]
        other = [(c, cd) for c, cd in cands if _unqualified(_split_cxx(cd)[0]) == ident]
        if other:
            c, cd = other[0]
            return [f">>> did you mean: {cd}", f">>> defined in: {where[c]}",
                    f">>> note: {ident} is defined in another namespace or class"]
        return []
    if not name.isidentifier():
        return []
    for c, cd in _cxx_candidates(d, name, None):
        qual, params = _split_cxx(cd)
        if qual == name and params:
            # lld's wording: C code calls a function defined with C++ linkage
            return [f">>> did you mean to declare {cd} as extern \"C\"?", f">>> defined in: {where[c]}"]
    return []


def _cxx_candidates(d: _Defined, ident: str, exclude) -> list[tuple[str, str]]:
    """Defined C++ names whose mangling contains IDENT as a source name, demangled, sorted."""
    key = _source_name(ident)
    if d.cxx is None:
        d.cxx = sorted(n for n in d.where if n.startswith("_Z"))
    names = [n for n in d.cxx if key in n and n != exclude]
    if not names:
        return []
    diag.demangle_many(names)
    return [(n, diag.cxx_name(n)) for n in names]


def _local_hints(ctx, name: str) -> list[str]:
    """A definition the reference cannot reach: a local (static, or hidden and so localised) symbol
    of an object, or a library's symbol that is hidden (visibility or a hidden version)."""
    out = []
    shown = diag.demangle(name)
    for obj in ctx.objs:
        names = obj.sym_names
        esyms = obj.esyms
        for i in range(1, min(obj.first_global, len(esyms))):
            e = esyms[i]
            if names[i] == name and e[3] != SHN_UNDEF and e[1] & 0xf in _CODE_OR_DATA:
                vis = e[2] & 3
                what = "hidden" if vis == STV_HIDDEN else "local (static)"
                out.append(f">>> note: {shown} is defined as a {what} symbol in {obj.name}, which other "
                           f"files cannot reference")
                return out
    r = getattr(ctx, "reader", None)
    dsos = list(r.dso_paths.values()) if r is not None else list(ctx.dsos)
    for so in dsos:
        for dd in so.defs:
            if dd[0] == name and dd[7]:
                out.append(f">>> note: {shown} is defined in {so.name} only in hidden version {dd[6]}, "
                           f"which cannot be linked against")
                return out
    for so in dsos:
        if _local_in_symtab(so.path, name):
            out.append(f">>> note: {shown} is defined in {so.name} but not exported (hidden visibility "
                       f"or a version script made it local)")
            return out
    return out


def _local_in_symtab(path: str, name: str) -> bool:
    """Does the shared library's .symtab (when not stripped) define NAME as a local symbol?"""
    import _struct as struct
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            shoff, = struct.unpack_from("<Q", head, 0x28)
            shentsize, shnum = struct.unpack_from("<HH", head, 0x3a)
            if shentsize != 64:
                return False
            f.seek(shoff)
            shdrs = [struct.unpack_from("<IIQQQQIIQQ", f.read(64)) for _ in range(shnum)]
            sym = next((sh for sh in shdrs if sh[1] == SHT_SYMTAB), None)
            if sym is None or sym[6] >= len(shdrs):
                return False
            strsh = shdrs[sym[6]]
            f.seek(strsh[4])
            strtab = f.read(strsh[5])
            want = strtab.find(b"\0" + name.encode() + b"\0")
            if want < 0:
                return False
            f.seek(sym[4])
            data = f.read(sym[7] * 24 if sym[7] else sym[5])      # sh_info: the locals come first
    except (OSError, StructError):
        return False
    for st_name, info, _o, shndx, _v, _sz in struct.iter_unpack("<IBBHQQ", data[:len(data) // 24 * 24]):
        if info >> 4 == STB_LOCAL and shndx != SHN_UNDEF and info & 0xf in _CODE_OR_DATA \
                and strtab[st_name:strtab.find(b"\0", st_name)] == name.encode():
            return True
    return False


def _library_in_search_path(ctx, name: str, cache: dict):
    """(path, -l option) of the first library in the search path (-L directories, then the default
    ones) that defines NAME and that the link does not use: shared libraries by their .dynsym (a
    GNU ld script such as libm.so by the libraries it names), archives by their symbol index. Only
    the string tables are read, so looking through a system directory stays cheap."""
    r = getattr(ctx, "reader", None)
    if r is None:
        return None
    libs = cache.get("libs")
    if libs is None:
        used = {os.path.realpath(p) for p in list(r.dso_paths) + list(r.archives)}
        used.update(os.path.realpath(so.path) for so in ctx.dsos)
        libs = cache["libs"] = []
        seen = set()
        for dir_ in r.lib_dirs:
            try:
                entries = sorted(os.listdir(dir_))
            except OSError:
                continue
            # a shared library before the archive of the same name, as -l prefers it
            for fn in sorted(entries, key=lambda f: (f.rsplit(".", 1)[0], not f.endswith(".so"))):
                if fn.startswith("lib") and (fn.endswith(".so") or fn.endswith(".a")):
                    path = os.path.normpath(os.path.join(dir_, fn))
                    real = os.path.realpath(path)
                    if real not in used and real not in seen:
                        seen.add(real)
                        stem = fn[3:-3] if fn.endswith(".so") else fn[3:-2]
                        libs.append((path, f"-l{stem}", _name_table(real)))
    needle = b"\0" + name.encode() + b"\0"
    for path, flag, table in libs:
        if table is not None and needle in table:
            return path, flag
    return None


def _name_table(path: str, depth: int = 0) -> bytes | None:
    """The names a library can define, NUL-separated (with a leading NUL): a shared library's
    .dynstr restricted to defined .dynsym entries, an archive's symbol index; a GNU ld script's
    named libraries joined. None if unreadable."""
    import re
    import _struct as struct
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] == b"\x7fELF" and len(head) == 64:
                shoff, = struct.unpack_from("<Q", head, 0x28)
                shentsize, shnum = struct.unpack_from("<HH", head, 0x3a)
                f.seek(shoff)
                shdrs = [struct.unpack_from("<IIQQQQIIQQ", f.read(shentsize)) for _ in range(shnum)] \
                    if shentsize == 64 else []
                dyn = next((sh for sh in shdrs if sh[1] == SHT_DYNSYM), None)
                if dyn is None or dyn[6] >= len(shdrs):
                    return None
                strsh = shdrs[dyn[6]]
                f.seek(strsh[4])
                strtab = f.read(strsh[5])
                f.seek(dyn[4])
                syms = f.read(dyn[5])
                out = [b""]
                for st_name, info, _o, shndx, _v, _sz in struct.iter_unpack("<IBBHQQ", syms):
                    if shndx != SHN_UNDEF and info >> 4 != STB_LOCAL:
                        out.append(strtab[st_name:strtab.find(b"\0", st_name)])
                out.append(b"")
                return b"\0".join(out)
            if head[:8] == b"!<arch>\n":
                f.seek(8)
                hdr = f.read(60)
                if hdr[:2] != b"/ " and hdr[:8] != b"/SYM64/ ":
                    return None
                size = int(hdr[48:58].split()[0])
                blob = f.read(size)
                w = 4 if hdr[:2] == b"/ " else 8
                count = int.from_bytes(blob[:w], "big")
                return b"\0" + blob[w + w * count:]
            if depth == 0 and len(head) and b"\0" not in head:
                text = head + f.read(65536)
                parts = [_name_table(p.decode(), 1) for p in re.findall(rb"(/[^\s()]+)", text)]
                parts = [p for p in parts if p]
                return b"".join(parts) if parts else None
    except (OSError, ValueError, StructError, UnicodeDecodeError):
        return None
    return None
