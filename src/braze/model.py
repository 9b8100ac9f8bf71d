"""What a link did, as data: the facts the passes record while they run (record.Record, on ctx.record) and
the structured model built from the finished link (`build_model`) for the Python API, --size-map and
--reproduce.

Recording is kept to an append per event (an archive member loaded: ctx.extracted; an undefined
symbol reported, a file opened: ctx.record) so the command-line link pays nothing noticeable; the
model itself is built only when asked for (braze.link(), --size-map), from the finished context.

(Plain classes via config.dataclass: the standard dataclasses module costs start-up time.)
"""
from __future__ import annotations

from .config import dataclass, field
from .elf import (SHF_ALLOC, SHF_WRITE, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_INFO_LINK, SHF_LINK_ORDER,
                  SHF_GROUP, SHF_TLS, SHT_NOBITS, STT_TLS, PF_R, PF_W, PF_X)


# ------------------------------------------------------------------ the model

@dataclass
class Input:
    """One input file: an object, an archive member, a shared library, or an unused --as-needed one."""
    path: str                       # as braze names it: `lib.a(member.o)` for members
    kind: str                       # 'object' | 'member' | 'shared'
    archive: str | None = None      # members: the archive's path
    member: str | None = None       # members: the member's name
    pulled_by_symbol: str | None = None   # members: the symbol whose reference loaded it (None: --whole-archive)
    pulled_by_file: str | None = None     # ... and the file that first referenced that symbol
    soname: str | None = None       # libraries
    as_needed: bool = False         # libraries given under --as-needed
    kept: bool = True               # libraries: stays DT_NEEDED (False: dropped by --as-needed)


@dataclass
class Contribution:
    """Bytes an input file puts into an output section (its input sections there, summed)."""
    file: str
    size: int
    sections: list[str] = field(default_factory=list)


@dataclass
class Section:
    name: str
    address: int
    offset: int
    size: int
    type: int
    flags: str                      # readelf's letters (W A X M S I L G T)
    alloc: bool
    inputs: list[Contribution] = field(default_factory=list)


@dataclass
class Segment:
    type: str                       # readelf's name: LOAD, DYNAMIC, GNU_RELRO ...
    offset: int
    address: int
    filesz: int
    memsz: int
    flags: str                      # readelf's "R E" form
    align: int
    sections: list[str] = field(default_factory=list)


@dataclass
class Symbol:
    name: str                       # without a version
    version: str | None             # a definition's own version, or the import's (GLIBC_2.2.5)
    binding: str                    # GLOBAL | WEAK | LOCAL (a global made local: hidden in a library) | UNIQUE
    type: str                       # NOTYPE | OBJECT | FUNC | TLS | IFUNC | ...
    visibility: str                 # DEFAULT | PROTECTED | HIDDEN | INTERNAL
    defined_in: str | None          # the file (`<linker>` for linker-defined ones); None: undefined
    section: str | None             # output section
    address: int                    # st_value as .symtab has it (TLS: offset in the TLS segment)
    size: int
    exported: bool                  # a definition in .dynsym
    imported: bool = False          # looked up at run time (.dynsym: from a library, or undefined)
    defined: bool = True            # has an address in the output (a copy-relocated import too)


@dataclass
class RemovedSection:
    file: str
    section: str
    size: int


@dataclass
class DynamicReloc:
    section: str                    # .rela.dyn | .rela.plt | .relr.dyn
    offset: int
    type: str                       # the relocation's name, as readelf prints it
    symbol: str | None


@dataclass
class LinkModel:
    output: str
    kind: str                       # exec | pie | shared | static | static-pie
    inputs: list[Input]
    sections: list[Section]
    segments: list[Segment]
    symbols: list[Symbol]
    gc_removed: list[RemovedSection]
    dynamic_relocs: list[DynamicReloc]

    @property
    def dynamic_relocs_by_type(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.dynamic_relocs:
            out[r.type] = out.get(r.type, 0) + 1
        return dict(sorted(out.items()))

    def symbol(self, name: str) -> Symbol | None:
        return next((s for s in self.symbols if s.name == name), None)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def to_dict(self) -> dict:
        d = _asdict(self)
        d["dynamic_relocs_by_type"] = self.dynamic_relocs_by_type
        return d


def _asdict(v):
    """Plain dicts/lists of a model value (the minimal @dataclass of config.py has no asdict)."""
    if isinstance(v, list):
        return [_asdict(x) for x in v]
    ann = getattr(type(v), "__annotations__", None)
    if ann and not isinstance(v, (str, int, dict)):
        return {k: _asdict(getattr(v, k)) for k in ann}
    return v


_BIND = {0: "LOCAL", 1: "GLOBAL", 2: "WEAK", 10: "UNIQUE"}
_TYPE = {0: "NOTYPE", 1: "OBJECT", 2: "FUNC", 3: "SECTION", 4: "FILE", 5: "COMMON", 6: "TLS", 10: "IFUNC"}
_VIS = {0: "DEFAULT", 1: "INTERNAL", 2: "HIDDEN", 3: "PROTECTED"}
_PT = {1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 6: "PHDR", 7: "TLS", 0x6474e550: "GNU_EH_FRAME",
       0x6474e551: "GNU_STACK", 0x6474e552: "GNU_RELRO", 0x6474e553: "GNU_PROPERTY"}
# readelf's letters, lowest bit first as it prints them (O: OS_NONCONFORMING, C: COMPRESSED,
# R: GNU_RETAIN, E: EXCLUDE)
_SHF_LETTERS = ((SHF_WRITE, "W"), (SHF_ALLOC, "A"), (SHF_EXECINSTR, "X"), (SHF_MERGE, "M"), (SHF_STRINGS, "S"),
                (SHF_INFO_LINK, "I"), (SHF_LINK_ORDER, "L"), (0x100, "O"), (SHF_GROUP, "G"), (SHF_TLS, "T"),
                (0x800, "C"), (0x200000, "R"), (0x80000000, "E"))


def section_flags(flags: int) -> str:
    return "".join(ch for bit, ch in _SHF_LETTERS if flags & bit)


def segment_flags(flags: int) -> str:
    return ("R" if flags & PF_R else " ") + ("W" if flags & PF_W else " ") + ("E" if flags & PF_X else " ")


def output_kind(ctx) -> str:
    cfg = ctx.config
    if cfg.shared:
        return "shared"
    if ctx.static_pie:
        return "static-pie"
    if cfg.pie:
        return "pie"
    return "exec" if ctx.dynamic else "static"


def file_label(f) -> str | None:
    if f is None:
        return None
    return getattr(f, "name", None) or str(f)


def build_model(ctx) -> LinkModel:
    """The finished link as data. Only reads the context (after write_output)."""
    return LinkModel(output=ctx.config.output, kind=output_kind(ctx), inputs=_inputs(ctx),
                     sections=_sections(ctx), segments=_segments(ctx), symbols=_symbols(ctx),
                     gc_removed=_gc_removed(ctx),
                     dynamic_relocs=_dynamic_relocs(ctx))


def _gc_removed(ctx) -> list[RemovedSection]:
    """The input sections --gc-sections dropped (not the empty ones: bfd's --print-gc-sections
    leaves those out too)."""
    if not ctx.config.gc_sections:
        return []
    return [RemovedSection(obj.name, sec.name, sec.size) for obj in ctx.objs for sec in obj.sections
            if sec is not None and not sec.gc_mark and sec.size]


def member_reasons(ctx) -> dict:
    """{id(member): (symbol name, referencing file)} for the archive members loaded: the symbol
    whose reference pulled it in, and the first object with a non-weak reference to it (bfd's
    h->u.undef.abfd: a strong reference replaces an earlier weak one), or the COMMON's file for a
    member loaded to replace a common symbol; (None, None) for --whole-archive."""
    out: dict = {}
    want: dict = {}
    for obj, s in ctx.extracted:
        if s is None:
            out[id(obj)] = (None, None)
        else:
            want.setdefault(id(s), []).append(obj)
    refs: dict = {}
    if want:
        for obj in ctx.objs:
            syms, esyms = obj.syms, obj.esyms
            for i in range(obj.first_global, len(esyms)):
                e = esyms[i]
                if e[3] == 0 and e[1] >> 4 != 2:          # SHN_UNDEF, not STB_WEAK
                    s = syms[i]
                    if s is not None and id(s) in want and id(s) not in refs:
                        refs[id(s)] = obj
    cmdline = set(ctx.config.undefined)
    for obj, s in ctx.extracted:
        if s is None:
            continue
        f = refs.get(id(s))
        if f is None and s.name not in cmdline:
            f = s.ref_file if s.ref_file is not None else s.file if s.rank == 2 else None
        out[id(obj)] = (s.name, f)
    return out


def _inputs(ctx) -> list[Input]:
    why = member_reasons(ctx)
    out = []
    for obj in ctx.objs:
        if getattr(obj, "synthetic", False) or obj.name.startswith("<"):
            continue
        ar = obj.archive
        if ar is None:
            out.append(Input(obj.name, "object"))
            continue
        sym, ref = why.get(id(obj), (None, None))
        member = obj.name[len(ar.path) + 1:-1] if obj.name.startswith(ar.path + "(") else obj.name
        out.append(Input(obj.name, "member", archive=ar.path, member=member, pulled_by_symbol=sym,
                         pulled_by_file=file_label(ref)))
    reader = getattr(ctx, "reader", None)
    seen = set()
    libs = list(ctx.dsos)
    if reader is not None:
        libs += [so for so in reader.dso_paths.values() if so not in libs]
    for so in libs:
        if id(so) in seen:
            continue
        seen.add(id(so))
        out.append(Input(so.path, "shared", soname=so.soname, as_needed=bool(so.as_needed),
                         kept=bool(so.is_alive)))
    return out


def _member_file(m) -> str:
    f = getattr(m, "file", None)
    if f is not None:
        return f.name
    owner = getattr(m, "owner", None)
    if owner is not None:           # a merged-constant Fragment: the object that brought it
        return getattr(owner, "name", str(owner))
    return "<linker>"


def _sections(ctx) -> list[Section]:
    out = []
    for c in ctx.chunks:
        sec = Section(c.name, c.addr, c.offset, c.size, c.type, section_flags(c.flags), bool(c.flags & SHF_ALLOC))
        members = getattr(c, "members", None)
        if members is None:
            sec.inputs.append(Contribution("<linker>", c.size, [c.name]))
        else:
            by_file: dict[str, Contribution] = {}
            for m in members:
                name = _member_file(m)
                k = by_file.get(name)
                if k is None:
                    k = by_file[name] = Contribution(name, 0)
                k.size += m.size
                if m.name not in k.sections:
                    k.sections.append(m.name)
            sec.inputs = list(by_file.values())
        out.append(sec)
    return out


def _segments(ctx) -> list[Segment]:
    out = []
    for s in ctx.segments:
        names = [c.name for c in ctx.chunks if _in_segment(c, s)]
        out.append(Segment(_PT.get(s.type, hex(s.type)), s.offset, s.vaddr, s.filesz, s.memsz,
                           segment_flags(s.flags), s.align, names))
    return out


_PT_LOAD, _PT_DYNAMIC, _PT_NOTE, _PT_PHDR, _PT_TLS = 1, 2, 4, 6, 7
_PT_GNU_EH_FRAME, _PT_GNU_RELRO = 0x6474e550, 0x6474e552


def _in_segment(c, seg) -> bool:
    """Does the segment hold the section, by the ELF rule binutils applies (its strict
    ELF_SECTION_IN_SEGMENT, as readelf's section-to-segment mapping shows it)?"""
    tls, alloc, nobits, pt = c.flags & SHF_TLS, c.flags & SHF_ALLOC, c.type == SHT_NOBITS, seg.type
    if tls:
        if pt not in (_PT_TLS, _PT_GNU_RELRO, _PT_LOAD):
            return False
    elif pt in (_PT_TLS, _PT_PHDR):
        return False
    if not alloc and pt in (_PT_LOAD, _PT_DYNAMIC, _PT_GNU_EH_FRAME, _PT_GNU_RELRO):
        return False
    if tls and nobits and pt != _PT_TLS:     # .tbss: only in PT_TLS (it takes no room elsewhere)
        return False
    size = c.size
    if not nobits:
        off = c.offset - seg.offset
        if c.offset < seg.offset or (seg.filesz == 0 or off > seg.filesz - 1) or off + size > seg.filesz:
            return False
    if alloc:
        va = c.addr - seg.vaddr
        if c.addr < seg.vaddr or (seg.memsz == 0 or va > seg.memsz - 1) or va + size > seg.memsz:
            return False
    if pt in (_PT_DYNAMIC, _PT_NOTE) and c.size == 0 and seg.memsz != 0:
        return False
    return True


def _symbols(ctx) -> list[Symbol]:
    """The global symbols of the output: those .symtab lists (when it is written), else those
    defined or imported; each with where it came from and whether .dynsym exports it."""
    from .address import sym_addr
    from .symtab import SymTab
    st = next((c for c in ctx.chunks if isinstance(c, SymTab)), None)
    if st is not None:
        rows = [(s, None) for _n, s in st.globals] + [(e[2], "LOCAL") for e in st.locals if e[0] == 2]
    else:
        rows = [(s, None) for s in ctx.symtab.values()
                if (s.rank >= 2 or s.linker_defined or s.dynsym_idx >= 0)
                and (s.rank < 2 or getattr(s.section, "alive", True))]
    out = []
    verdefs = ctx.verdefs
    for s, forced in rows:
        if not hasattr(s, "rank"):       # a version-name symbol (absolute, one per version node)
            continue
        defined = s.rank >= 2 or s.copyrel or s.linker_defined
        name, _at, ver = s.name.partition("@")
        version = ver.lstrip("@") or None
        if s.dyn_version is not None:
            version = s.dyn_version[0]
        elif s.rank == 1 and s.verneed:
            version = s.verneed
        elif version is None and s.rank >= 2 and s.dynsym_idx >= 0 and 2 <= (s.version & 0x7fff) <= len(verdefs):
            version = verdefs[(s.version & 0x7fff) - 1][0]      # a version script's node
        sec = s.section
        out_sec = getattr(sec, "out", None) or (sec if hasattr(sec, "shndx") and not hasattr(sec, "file") else None)
        if out_sec is None and getattr(sec, "merge", None) is not None:
            out_sec = sec.merge[0].out
        if defined:
            addr = sym_addr(ctx, s)
            if s.type == STT_TLS:
                addr = (addr - ctx.tls_start) & 0xffffffffffffffff
        else:
            addr = sym_addr(ctx, s) if s.canonical_plt else 0
        typ = s.type if defined or s.type != 10 else 2      # an undefined IFUNC is listed as FUNC
        bind = forced or _BIND.get(s.bind if defined else (1 if s.ref_strong else 2), str(s.bind))
        if bind == "LOCAL" and forced is None:
            bind = "GLOBAL"
        out.append(Symbol(
            name=name, version=version, binding=bind, type=_TYPE.get(typ, str(typ)),
            visibility=_VIS.get(s.visibility if defined or s.rank != 1 else 0, str(s.visibility)),
            defined_in=("<linker>" if s.linker_defined and s.rank < 2 else
                        getattr(s.file, "soname", None) if s.rank == 1 else file_label(s.file)) if defined or s.rank == 1
            else None,
            section=out_sec.name if defined and out_sec is not None and hasattr(out_sec, "name") else None,
            address=addr, size=s.size if defined else 0,
            exported=defined and s.dynsym_idx >= 0,
            imported=s.dynsym_idx >= 0 and (s.rank == 1 or not defined), defined=defined))
    return out


def _dynamic_relocs(ctx) -> list[DynamicReloc]:
    rname = ctx.target.rname
    syn = ctx.syn
    if syn is None:
        return []
    dynsyms = syn.dynsym.syms if syn.dynsym is not None else []
    out = []
    for c in ctx.chunks:
        relocs = getattr(c, "relocs", None)
        if c.name not in (".rela.dyn", ".rela.plt", ".relr.dyn") or relocs is None:
            continue
        for r in relocs:
            off, info, _a = r.values(ctx)
            t = info & 0xffffffff
            idx = info >> 32
            sym = dynsyms[idx - 1].name.partition("@")[0] if 0 < idx <= len(dynsyms) else None
            out.append(DynamicReloc(c.name, off, rname(t), sym))
    out.sort(key=lambda r: (r.section, r.offset))
    return out
