"""`-r` / `-Ur`: a relocatable link. The inputs are read and their symbols resolved as in a final link
(archives, COMDAT groups, duplicate definitions), but the output is one ET_REL object laid out as
ld.bfd's `-r` script (`ld -r --verbose`) lays it out:

* input sections go to output sections of the same name, in the script's order; other names are
  orphans, placed after the script section of their kind (.text, .rodata, .tdata, .data, .bss,
  .comment for non-alloc), first seen first.  SHF_MERGE sections are concatenated, not merged
  (bfd merges only in a final link), and keep their flags when every input has them.
* sections of a kept COMDAT group each stay an output section of their own, and the group stays a
  group (SHT_GROUP sections first, as bfd numbers them); the members of duplicate groups are
  dropped, and relocations that refer to them become NONE relocations with the field cleared (removed
  in debug sections), as bfd's RELOC_AGAINST_DISCARDED_SECTION does.
* .eh_frame is concatenated with its relocations; FDEs of dropped code are removed and their
  relocations become NONE relocations at the previous one's offset (bfd's rule); so is a CIE that
  no kept FDE uses.
* relocations are rewritten: offsets into the output section, local symbols to their new index,
  section symbols to the output section's (addend += the input's offset), globals to theirs.
* .symtab: the section symbols, then per object its FILE symbol and locals, then the globals
  (undefined ones stay undefined, commons stay common).
"""
from __future__ import annotations

import _struct as struct

from . import diag
from .diag import LinkError
from .elf import (SHDR, SYM, RELA, EHDR, ET_REL, SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB,
                  SHT_RELA, SHT_REL, SHT_NOBITS, SHT_GROUP, SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY, SHT_SYMTAB_SHNDX, SHT_NOTE, SHT_LLVM_ADDRSIG,
                  SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_INFO_LINK, SHF_LINK_ORDER,
                  SHF_GROUP, SHF_TLS, SHF_GNU_RETAIN, GRP_COMDAT, SHN_UNDEF, SHN_ABS, SHN_COMMON, SHN_XINDEX,
                  SHN_LORESERVE, STB_LOCAL, STB_GLOBAL, STB_WEAK, STT_SECTION, STT_FILE, STT_OBJECT, STT_COMMON,
                  align_up)
from .inputs.elfhdr import read_headers
from .inputs.object import InputSection
from .symbols import NONE, SHARED, COMMON
from .synthetic.strtab import StrTab
from .relorphans import CODE, _DEBUG_PREFIXES

# ld.bfd's -r script (the emulation's ldscripts/*.xr), the output sections that can hold input sections,
# in its order.  (The .rela.* statements are left out: relocations are rewritten, not copied.)
_SCRIPT = [
    ".interp", ".note.gnu.build-id", ".hash", ".gnu.hash", ".dynsym", ".dynstr", ".gnu.version",
    ".gnu.version_d", ".gnu.version_r", ".init", ".plt", ".plt.got", ".plt.sec", ".text", ".fini",
    ".rodata", ".rodata1", ".eh_frame_hdr", ".eh_frame", ".sframe", ".gcc_except_table", ".gnu_extab",
    ".exception_ranges", ".tdata", ".tbss", ".jcr", ".dynamic", ".got", ".got.plt", ".data", ".data1",
    ".bss", ".lbss", ".lrodata", ".ldata", ".stab", ".stabstr", ".stab.excl", ".stab.exclstr",
    ".stab.index", ".stab.indexstr", ".comment", ".gnu.build.attributes", ".debug", ".line",
    ".debug_srcinfo", ".debug_sfnames", ".debug_aranges", ".debug_pubnames", ".debug_info",
    ".debug_abbrev", ".debug_line", ".debug_frame", ".debug_str", ".debug_loc", ".debug_macinfo",
    ".debug_weaknames", ".debug_funcnames", ".debug_typenames", ".debug_varnames", ".debug_pubtypes",
    ".debug_ranges", ".debug_addr", ".debug_line_str", ".debug_loclists", ".debug_macro", ".debug_names",
    ".debug_rnglists", ".debug_str_offsets", ".debug_sup", ".gnu.attributes",
]
_SCRIPT_POS = {n: i for i, n in enumerate(_SCRIPT)}
# the script sections bfd's orphan placement (ldelf_place_orphan) puts orphans after, by kind
_ANCHOR = {k: _SCRIPT_POS[n] for k, n in (("text", ".text"), ("rodata", ".rodata"), ("tdata", ".tdata"),
                                          ("data", ".data"), ("bss", ".bss"), ("nonalloc", ".comment"),
                                          ("note", ".interp"))}
# a debugging orphan (a COMDAT group's .debug_macro from -g3) has no kind: bfd puts it last
_ANCHOR["debug"] = len(_SCRIPT)


def _orphan_kind(flags: int, typ: int) -> str:
    """bfd's classification of an orphan section (ldelf_place_orphan)."""
    if not flags & SHF_ALLOC:
        return "nonalloc"
    if typ == SHT_NOTE:
        return "note"
    if typ == SHT_NOBITS and not flags & SHF_TLS:
        return "bss"
    if flags & SHF_TLS:
        return "tdata"
    if flags & SHF_WRITE:
        return "data"
    if flags & SHF_EXECINSTR:
        return "text"
    return "rodata"


_REAL = 1 << 40      # marks a real section number from 0xff00 up (vs SHN_ABS, SHN_COMMON...)


def _fill_property_note(o, props) -> None:
    """The output's .note.gnu.property: the merged properties as one note (bfd's own section)."""
    from .synthetic.notes import PropertyNote
    o.data = PropertyNote(props).data
    o.size = len(o.data)
    o.align = 8
    o.entsize = 0
    o.build_id = None
    o.prop_note = True


def _real(index: int) -> int:
    return index if index < SHN_LORESERVE else index | _REAL


def _offset(rel):
    return rel[0]


def _is_debug(name: str) -> bool:
    """bfd's SEC_DEBUGGING sections: relocations against discarded code are removed there."""
    return name.startswith((".debug", ".zdebug", ".gnu.linkonce.wi.", ".line", ".stab"))


class _Out:
    """An output section of the relocatable output."""

    def __init__(self, name, typ, flags, key):
        self.name = name
        self.type = typ
        self.flags = flags
        self.align = 1
        self.entsize = -1         # -1: not set yet; None: inputs disagree
        self.key = key            # sort key (see _order)
        self.members: list = []   # (obj, input index, InputSection or bytes-like, size, align)
        self.size = 0
        self.index = 0
        self.symidx = 0
        self.rela = None          # its .rela section (_Out) when it has relocations
        self.relocs: list = []    # (r_offset, r_info, r_addend) of the output
        self.data = None
        self.link = 0
        self.info = 0
        self.group = None         # a group member: the _Out of its SHT_GROUP section
        self.group_members: list = []   # an SHT_GROUP output: its member _Outs
        self.link_to = None       # SHF_LINK_ORDER: the InputSection sh_link names
        self.merge_ok = True
        self.has_input = False    # an input section is in it (not only data commands)
        # bfd's view of it while orphans are placed under a -T script (relorphans.py)
        self.bflags = -1          # its SEC_* flags (-1: nothing in it yet)
        self.etype = 0            # the ELF type bfd gives it (special-section table, else first input)
        self.os_flags = 0         # the first input's SHF_MASKOS/SHF_MASKPROC flags
        self.addr = 0             # sh_addr (a -T script's sizing)
        self.stmt_align = 1       # a script statement's ALIGN(N)


class _DataSec:
    """The bytes of a data command (BYTE, SHORT, LONG, QUAD) in a -r script's output section, in the
    place of an input section."""
    __slots__ = ("name", "data", "size", "align", "rel_size", "relocs", "flags", "type", "entsize", "link")

    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        self.size = len(data)
        self.align = 1
        self.rel_size = 0
        self.relocs: list = []
        self.flags = SHF_ALLOC
        self.type = SHT_PROGBITS
        self.entsize = 0
        self.link = 0


class _Part:
    """One input section's place in an output section."""
    __slots__ = ("obj", "idx", "sec", "out", "off", "kind", "size", "eh_recs", "eh_end", "eh_data")

    def __init__(self, obj, idx, sec, kind=""):
        self.obj = obj
        self.idx = idx
        self.sec = sec
        self.out = None
        self.off = 0
        self.kind = kind


def link_relocatable(ctx) -> None:
    from .resolve import read_inputs
    cfg = ctx.config
    _check_options(cfg)
    if cfg.force_group_allocation:      # (a listed no-op before -r existed)
        raise LinkError("option --force-group-allocation is not supported with -r")
    read_inputs(ctx);                   ctx.mark("read inputs")
    if ctx.dsos:
        # (one read where -Bdynamic followed -r: bfd's ELF back end refuses it so)
        raise LinkError(f"{ctx.dsos[0].name}: error adding symbols: invalid operation")
    if cfg.defsyms:
        from .passes import _define_defsyms
        _define_defsyms(ctx)
        if ctx.defsym_exprs:        # relative to a common or linker-defined symbol: no section yet
            s, ref, _d = ctx.defsym_exprs[0]
            raise LinkError(f"option --defsym {s.name}={ref.name}... is not supported with -r "
                            f"(`{ref.name}' has no input section)")
    diag.check_errors()
    if cfg.gc_sections:
        _gc(ctx)
    r = _Relocatable(ctx)
    r.collect();                        ctx.mark("merge sections")
    r.layout()
    r.symbols()
    r.relocations();                    ctx.mark("relocations")
    diag.check_errors()
    buf = r.write()
    from .writer import _commit
    _commit(cfg.output, buf, 0o666)
    ctx.output_written = True
    ctx.mark("write")


def _gc(ctx) -> None:
    """--gc-sections with -r, as bfd: the roots are only the -e and -u symbols, at least one of them
    defined (else bfd's error); notes, init/fini arrays and non-allocated sections stay."""
    from .gc import gc_sections
    cfg = ctx.config
    roots = ([cfg.entry] if cfg.entry else []) + list(cfg.undefined)
    if not any((s := ctx.symtab.get(n)) is not None and s.rank >= COMMON for n in roots):
        raise LinkError("--gc-sections requires a defined symbol root specified by -e or -u")
    gc_sections(ctx, roots)


def _check_options(cfg) -> None:
    """The options that change a final link's output but that a relocatable link does not handle
    (yet) are refused rather than silently ignored; the incompatible ones are bfd's errors."""
    if cfg.shared:
        raise LinkError("-r and -shared may not be used together")
    if cfg.pie:
        raise LinkError("-r and -pie may not be used together")
    bad = []
    if cfg.print_gc_sections:
        bad.append("--print-gc-sections")     # (bfd's -r messages name group members differently)
    if cfg.version_scripts:
        bad.append("--version-script")
    if cfg.map_file:
        bad.append("-Map")
    if cfg.section_starts or cfg.text_segment is not None:
        bad.append("--section-start/-T<section>")
    if cfg.unique:
        bad.append("--unique")
    if cfg.retain_symbols is not None:
        bad.append("--retain-symbols-file")
    if cfg.emit_relocs:
        bad.append("--emit-relocs")
    if bad:
        raise LinkError(f"option {bad[0]} is not supported with -r")


class _Relocatable:
    def __init__(self, ctx):
        self.ctx = ctx
        self.outs: dict = {}          # key -> _Out (name, or a unique key for group members)
        self.seq = 0
        self.parts: dict = {}         # id(obj) -> {input index: _Part}
        self.groups: list = []        # (obj, group index, signature symbol index, [member indices], flag)
        self.eh: list = []            # _Parts of .eh_frame inputs
        self.ordered: list = []
        self.discarded: set = set()   # (id(obj), index) of sections a script's /DISCARD/ dropped
        self.dropped_in: dict = {}    # (id(obj), section index) of a dropped COMDAT member -> (owner, signature)

    # ---------------------------------------------------------------- binning
    def _out_for(self, name, typ, flags, key, orphan_kind=None):
        o = self.outs.get(key)
        if o is None:
            self.seq += 1
            kind = orphan_kind or _orphan_kind(flags, typ)
            if kind == "nonalloc" and (name.startswith(_DEBUG_PREFIXES) or name == ".gdb_index"):
                kind = "debug"
            pos = _SCRIPT_POS.get(name) if orphan_kind is None else None
            sk = (1, pos, 0, 0, self.seq) if pos is not None else (1, _ANCHOR[kind], 1, 0, self.seq)
            o = self.outs[key] = _Out(name, typ, flags & ~SHF_GROUP, sk)
            o.orphan_kind = kind
        return o

    def collect(self) -> None:
        ctx = self.ctx
        comdat = ctx.comdat
        cands = []          # (obj, index, InputSection, its group's index or None, obj's parts)
        strip_debug = ctx.config.strip_debug or ctx.config.strip_all
        for obj in ctx.objs:
            v = obj.view
            _e, shdrs, shstrndx = read_headers(v, obj.error, ET_REL)
            n = len(shdrs)
            big = n > SHN_LORESERVE
            imap = (lambda i: i if i < SHN_LORESERVE else i + 0x100) if big else (lambda i: i)
            sh_str = shdrs[shstrndx]
            shstrtab = bytes(v[sh_str[4]:sh_str[4] + sh_str[5]])

            def secname(off):
                e = shstrtab.find(b"\0", off)
                return shstrtab[off:e if e >= 0 else len(shstrtab)].decode("utf-8", "replace")

            symtab_link = None
            for sh in shdrs:
                if sh[1] == SHT_SYMTAB:
                    symtab_link = sh[6]
            # which groups this object keeps, which sections they drop
            dropped = set()
            kept_groups = {}
            for i in range(1, n):
                sh = shdrs[i]
                if sh[1] != SHT_GROUP:
                    continue
                words = struct.unpack_from(f"<{sh[5] // 4}I", v, sh[4]) if sh[5] >= 4 else (0,)
                members = [imap(m) for m in words[1:] if 0 < m < n]
                flag = words[0]
                if flag & GRP_COMDAT:
                    # the object reader recorded the group (same signature rules); keep it when this
                    # object is the signature's owner
                    owner = sig = None
                    for sig, mem in obj.comdat_groups:
                        if mem == members:
                            owner = comdat.get(sig)
                            break
                    if owner is not obj:
                        dropped.update(members)
                        dropped.add(imap(i))
                        for m in words[1:]:
                            if 0 < m < n:
                                self.dropped_in[(id(obj), imap(m))] = (owner, sig, secname(shdrs[m][0]),
                                                                       shdrs[m][5])
                        continue
                if ctx.config.gc_sections and all(
                        m >= len(obj.sections) or obj.sections[m] is None or not obj.sections[m].alive
                        for m in members if m < len(obj.sections) and obj.sections[m] is not None):
                    if any(m < len(obj.sections) and obj.sections[m] is not None for m in members):
                        dropped.add(imap(i))        # --gc-sections removed every member
                        continue
                if strip_debug and all(not shdrs[m][2] & SHF_ALLOC and
                                       (shdrs[m][1] in (SHT_RELA, SHT_REL) or _is_debug(secname(shdrs[m][0])))
                                       for m in words[1:] if 0 < m < n):
                    dropped.add(imap(i))            # -S stripped every member (a DWARF type unit)
                    continue
                kept_groups[imap(i)] = (sh, members, flag)
            if dropped:
                # a SHF_LINK_ORDER section linked to a dropped COMDAT copy goes too (as the final
                # link's reader: resolve._drop_linked_to)
                for i in range(1, n):
                    sh = shdrs[i]
                    if sh[2] & SHF_LINK_ORDER and imap(sh[6]) in dropped:
                        dropped.add(imap(i))
            parts = {}
            self.parts[id(obj)] = parts
            member_of = {}
            for gi, (_sh, members, _f) in kept_groups.items():
                for m in members:
                    member_of[m] = gi
            for i in range(1, n):
                sh = shdrs[i]
                t = sh[1]
                ii = imap(i)
                if ii in dropped:
                    continue
                if t in (SHT_NULL, SHT_SYMTAB, SHT_RELA, SHT_REL, SHT_SYMTAB_SHNDX, SHT_LLVM_ADDRSIG):
                    continue
                if t == SHT_STRTAB and (i == shstrndx or i == symtab_link):
                    continue
                if t == SHT_GROUP:
                    gsh, members, flag = kept_groups[ii]
                    o = self._out_for(".group", SHT_GROUP, 0, ("group", id(obj), ii))
                    o.key = (0, self.seq, 0, 0, 0)
                    o.align = 4
                    o.entsize = 4
                    o.info = gsh[7]
                    p = _Part(obj, ii, None, "group")
                    p.out = o
                    parts[ii] = p
                    self.groups.append((obj, ii, gsh[7], members, flag, o))
                    continue
                sec = obj.sections[ii] if ii < len(obj.sections) else None
                name = secname(sh[0])
                if sec is not None and not sec.alive:
                    continue                # --gc-sections removed it
                if strip_debug and not sh[2] & SHF_ALLOC and _is_debug(name):
                    continue                # -S (and -s, which is -S -x with -r)
                if sec is None:
                    # (bfd's -r keeps GCC's IR sections: a partial LTO link's output is IR again,
                    # and a fat object's IR stays for the final link)
                    if name.startswith(".llvm_addrsig") or name == ".gnu.lto":
                        continue
                    sec = InputSection(obj, ii, name, sh)      # a section the final-link reader skips
                cands.append((obj, ii, sec, member_of.get(ii), parts))
        script = getattr(ctx, "r_script", None)
        prop = None
        if script is not None:
            self._match_script(script, cands)
            prop, prop_part = self._script_orphans(script, cands)
            cands = []
        for obj, ii, sec, gi, parts in cands:
            if ii in parts or (id(obj), ii) in self.discarded:
                continue                # placed by the script (or discarded by it)
            flags = sec.flags
            if sec.name == ".note.gnu.property" and sec.type == SHT_NOTE and gi is None:
                if prop is None:        # one note, the inputs' properties merged as bfd merges them
                    prop = self._out_for(sec.name, SHT_NOTE, flags, sec.name,
                                         orphan_kind="note" if script is not None else None)
                    # bfd keeps the first such input section (rewritten), so its symbols stay
                    # (aarch64's `$d`); the other inputs' notes are discarded with theirs
                    prop_part = _Part(obj, ii, sec)
                    prop_part.out = prop
                    parts[ii] = prop_part
                continue
            if gi is not None:
                o = self._out_for(sec.name, sec.type, flags, ("member", id(obj), ii),
                                  orphan_kind=_orphan_kind(flags, sec.type))
                o.flags |= SHF_GROUP
                o.group = parts[gi].out
                o.group.group_members.append(o)
            else:
                o = self._out_for(sec.name, sec.type, flags, sec.name,
                                  orphan_kind=_orphan_kind(flags, sec.type) if script is not None else None)
            self._add(o, obj, ii, sec, parts)
        if prop is None and ctx.config.indirect_extern_access == 1:
            raise LinkError("-z indirect-extern-access with -r where no input has a .note.gnu.property section "
                            "is not supported (bfd makes the note a section of its own)")
        if prop is None and script is None:
            # no input has a property note: the merge still reports (-z cet-report, -z lam-*-report),
            # and properties the -z options force (-z ibt, -z shstk, -z x86-64-vN) make bfd's own note,
            # the output's first section after the groups
            props = ctx.target.merge_properties(ctx)
            if props:
                o = self.outs[".note.gnu.property"] = _Out(".note.gnu.property", SHT_NOTE, SHF_ALLOC,
                                                           (0, 1 << 62, 0, 0, 0))
                _fill_property_note(o, props)
        if prop is not None:
            props = self.props if script is not None else ctx.target.merge_properties(ctx)
            if props:
                _fill_property_note(prop, props)
            else:
                del self.outs[".note.gnu.property"]
                del self.parts[id(prop_part.obj)][prop_part.idx]
        if ctx.config.build_id and script is None:
            o = self.outs.get(".note.gnu.build-id")
            if o is not None and o.members:
                # bfd keeps the inputs' notes and puts its own among them (the layout's build_id_at)
                from .synthetic.notes import BuildId
                o.build_id = BuildId(ctx.config.build_id)
                o.align = max(o.align, 4)
            else:
                self.seq += 1
                o = self.outs[".note.gnu.build-id"] = _Out(".note.gnu.build-id", SHT_NOTE, SHF_ALLOC, None)
                o.key = (1, _SCRIPT_POS[".note.gnu.build-id"], 0, 0, self.seq)
                self._build_id(o)

    def _build_id(self, o) -> None:
        from .synthetic.notes import BuildId
        o.build_id = BuildId(self.ctx.config.build_id)
        o.align = 4
        o.size = o.build_id.size
        o.entsize = 0

    def _match_script(self, script, cands) -> None:
        """Input sections to the script's output sections: statement by statement, pattern by
        pattern, in input order (SORT: by name); /DISCARD/ drops them.  Group members stay groups.
        A data command's bytes take their place among the inputs; a section made only of data
        gets the type and flags bfd's special-section table gives its name (arm64's `.plt 0 :
        { BYTE(0) }`: AX), allocated and read-only, as bfd's data statement makes it."""
        from fnmatch import fnmatchcase
        from .relorphans import add_data, special_type
        from .scriptlayout import _special_section
        for st in script:
            for globs, sort in st.patterns:
                o = self.outs.get(("script", st.pos))
                if globs is None:           # a data command
                    size, value = sort
                    if o is None:
                        t, f = _special_section(self.ctx, st.name)
                        o = self._script_out(st, t or SHT_PROGBITS, SHF_ALLOC | f)
                        o.etype = special_type(st.name, self.ctx.target)
                        o.entsize = 8 if t in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY) else 0
                    add_data(o)
                    o.flags |= SHF_ALLOC        # (bfd: data makes a section allocated, loaded)
                    if o.type == SHT_NOBITS:
                        o.type = SHT_PROGBITS
                    p = _Part(None, -1, _DataSec(o.name, value.to_bytes(size, "little")), "data")
                    p.out = o
                    o.members.append(p)
                    continue
                # (a group's members are matched by /DISCARD/ only: bfd's unique_section_p)
                hits = [c for c in cands if (c[3] is None or st.name == "/DISCARD/") and c[1] not in c[4]
                        and any(fnmatchcase(c[2].name, g) for g in globs)]
                if sort:
                    hits.sort(key=lambda c: c[2].name)
                for obj, ii, sec, _gi, parts in hits:
                    if st.name == "/DISCARD/":
                        self.discarded.add((id(obj), ii))
                        parts[ii] = None        # (taken; removed again below)
                        continue
                    o = self.outs.get(("script", st.pos))
                    if o is None:
                        o = self._script_out(st, sec.type, sec.flags)
                        o.etype = special_type(st.name, self.ctx.target)
                    self._add(o, obj, ii, sec, parts)
        for c in cands:                 # /DISCARD/ed: not in the output at all
            if c[1] in c[4] and c[4][c[1]] is None:
                del c[4][c[1]]
        # a group all of whose members were discarded goes too (bfd's _bfd_elf_fixup_group_sections)
        for g in list(self.groups):
            obj, gi, _sig, members, _flag, o = g
            if members and all((id(obj), m) in self.discarded for m in members):
                self.groups.remove(g)
                del self.parts[id(obj)][gi]
                for k, v in list(self.outs.items()):
                    if v is o:
                        del self.outs[k]

    def _script_out(self, st, typ, flags):
        self.seq += 1
        o = self.outs[("script", st.pos)] = _Out(st.name, typ, flags, None)
        o.key = (1, st.pos, 0, 0, self.seq)
        o.align = o.stmt_align = st.align
        return o

    def _script_orphans(self, script, cands) -> tuple:
        """The sections no statement of a -T script took, placed as bfd places them
        (relorphans.py), in input order; the build-id note bfd makes is one of the first input's
        sections.  Every output section then takes its place in bfd's section list.  Returns the
        .note.gnu.property output and the input section kept for it (or Nones)."""
        from . import relorphans as ro
        ctx = self.ctx
        target = ctx.target
        stmts = [ro.Stmt(st.name, self.outs.get(("script", st.pos)), st.addr, st.align) for st in script]
        placer = ro.Placer(stmts, [st.out for st in stmts if st.out is not None])
        self.props = None
        if any(c[2].name == ".note.gnu.property" and c[2].type == SHT_NOTE and c[3] is None for c in cands):
            self.props = target.merge_properties(ctx)
        prop = prop_part = None
        host = ctx.objs[0] if ctx.config.build_id and ctx.objs else None
        mask = ro._MASK_OS_PROC

        def new_out(name, sec, grouped, key):
            o = _Out(name, sec.type, sec.flags & ~SHF_GROUP, None)
            o.etype = ro.special_type(name, target)
            self.outs[key if key not in self.outs else ("orphan", id(o))] = o
            return o

        # the SHT_GROUP sections kept are orphans too, each its own (bfd numbers them first, but they
        # hold their places in the section list that later orphans are put after)
        groups: dict = {}
        for g in self.groups:
            groups.setdefault(id(g[0]), []).append((g[1], g[5]))
        for v in groups.values():
            v.sort(key=lambda g: -g[0])
        for k, (obj, ii, sec, gi, parts) in enumerate(cands):
            pend = groups.get(id(obj))
            while pend and pend[-1][0] < ii:
                self._place_group(placer, pend.pop()[1])
            if ii in parts or (id(obj), ii) in self.discarded:
                pass
            elif sec.name == ".note.gnu.property" and sec.type == SHT_NOTE and gi is None:
                if prop is None and self.props:
                    # (bfd keeps the first input's note, the others are excluded; none when the
                    # merged properties are empty)
                    prop_part = _Part(obj, ii, sec)
                    parts[ii] = prop_part
                    prop = placer.place(sec.name, ro.bfd_flags(sec.flags, sec.type, sec.name), sec.type,
                                        sec.align, False, lambda o: False,
                                        lambda n, s=sec: new_out(n, s, False, n), lambda o: None)
                    prop.bflags = ro.bfd_flags(sec.flags, sec.type, sec.name)
                    prop.align = max(prop.align, sec.align)
                    prop_part.out = prop
            else:
                grouped = gi is not None

                def compatible(o, sec=sec):
                    return sec.info == 0 and o.group is None and not (o.os_flags ^ sec.flags) & mask and \
                        o.etype == sec.type

                def add(o, obj=obj, ii=ii, sec=sec, parts=parts):
                    self._add(o, obj, ii, sec, parts)

                o = placer.place(sec.name, ro.bfd_flags(sec.flags, sec.type, sec.name), sec.type, sec.align,
                                 grouped, compatible,
                                 lambda n, s=sec, g=grouped: new_out(n, s, g, ("member", id(s)) if g else n), add)
                if grouped:
                    o.flags |= SHF_GROUP
                    o.group = parts[gi].out
                    o.group.group_members.append(o)
            if k + 1 == len(cands) or cands[k + 1][0] is not obj:
                while pend:
                    self._place_group(placer, pend.pop()[1])
                if host is not None and obj is host:
                    self._place_build_id(placer)
                    host = None
        if host is not None:
            self._place_build_id(placer)
        for i, o in enumerate(placer.secs):
            if o.type != SHT_GROUP:
                o.key = (1, i, 0, 0, 0)
        self.addr_walk = [(st.out, st.addr) for st in placer.stmts[1:] if st.out is not None]
        return prop, prop_part

    def _script_addresses(self) -> None:
        """bfd sizes a -r link's sections too (lang_size_sections): a statement without an address
        starts where the default memory region's last allocated section ended, aligned to its
        alignment; one with an address starts there (aligned by its ALIGN(N) only); orphans at 0.
        Only sh_addr shows it: symbol values and relocation offsets stay section-relative."""
        current = 0
        for o, addr in self.addr_walk:
            if o not in self.ordered:
                continue
            if addr is None:
                a = align_up(current, o.align)
            else:
                a = align_up(addr, o.stmt_align) if o.stmt_align > 1 else addr
            o.addr = a
            if o.flags & SHF_ALLOC:
                current = a + o.size

    @staticmethod
    def _place_group(placer, o) -> None:
        from . import relorphans as ro

        def add(o):
            o.bflags = ro.HAS_CONTENTS | ro.READONLY
            o.etype = SHT_GROUP
        placer.place(".group", ro.HAS_CONTENTS | ro.READONLY, SHT_GROUP, 4, True, None, lambda n: o, add)

    def _place_build_id(self, placer) -> None:
        """--build-id with a -T script: bfd makes the note an input section of the first input
        (allocated, loaded, read-only, no contents yet), placed as an orphan after its sections."""
        from . import relorphans as ro
        name = ".note.gnu.build-id"

        def make(n):
            o = self.outs[name] = _Out(name, SHT_NOTE, SHF_ALLOC, None)
            o.etype = SHT_NOTE
            self._build_id(o)
            return o

        def add(o):
            o.bflags = ro.ALLOC | ro.LOAD | ro.READONLY | ro.DATA
        placer.place(name, ro.ALLOC | ro.LOAD | ro.READONLY | ro.DATA, SHT_NOTE, 4, True, None, make, add)

    def _add(self, o, obj, ii, sec, parts) -> None:
        from .relorphans import add_input, bfd_flags, _MASK_OS_PROC
        flags = sec.flags
        add_input(o, bfd_flags(flags, sec.type, sec.name))
        if not o.has_input:
            # bfd (_bfd_elf_init_private_section_data): a PROGBITS/NOTE/NOBITS type from the
            # special-section table gives way to the first input's, copied when data commands did not
            # make the section first (their flags differ from the input's)
            o.os_flags = flags & _MASK_OS_PROC
            if o.etype in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY):
                o.type = o.etype        # (set below from the input otherwise; an array name keeps it)
            if o.etype in (SHT_PROGBITS, SHT_NOTE, SHT_NOBITS):
                o.etype = 0
            if o.etype == 0 and not o.members:
                o.etype = sec.type
        if o.members and not o.has_input:
            # data commands made it: the first input gives the flags (allocated all the same)
            o.flags = (o.flags & SHF_GROUP) | SHF_ALLOC | flags & ~SHF_GROUP
            o.entsize = sec.entsize
        elif o.members:
            if (o.flags ^ flags) & (SHF_MERGE | SHF_STRINGS) or o.entsize != sec.entsize:
                o.merge_ok = False
            o.flags |= flags & ~(SHF_GROUP | SHF_MERGE | SHF_STRINGS)
            if o.type == SHT_NOBITS and sec.type != SHT_NOBITS:
                o.type = sec.type
            if o.entsize != sec.entsize:
                o.entsize = 0
        else:
            o.flags = (o.flags & SHF_GROUP) | flags & ~SHF_GROUP
            if o.etype not in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY):
                o.type = sec.type
            o.entsize = sec.entsize
        if flags & SHF_LINK_ORDER and o.link_to is None and sec.link:
            o.link_to = (obj, sec.link if sec.link < SHN_LORESERVE else sec.link + 0x100)
        if sec.align > o.align:
            o.align = sec.align
        eh = sec.name == ".eh_frame" and sec.type in (SHT_PROGBITS, self.ctx.target.unwind_section_type)
        p = _Part(obj, ii, sec, "eh" if eh else "")
        p.out = o
        o.members.append(p)
        o.has_input = True
        parts[ii] = p

    def _gnu_stack(self) -> None:
        """.note.GNU-stack as bfd writes it with -r: present when an input has one (or -z
        [no]execstack asks), executable when bfd's final-link rules say the stack would be (an
        input without the note, or with an executable one; the same warnings)."""
        from .layout import _stack_flags
        from .elf import PF_X
        o = next((o for o in self.outs.values() if o.name == ".note.GNU-stack" and o.group is None), None)
        cfg = self.ctx.config
        if o is None and cfg.execstack is None:
            return
        f = _stack_flags(self.ctx)
        if cfg.execstack is not None:
            # bfd (ldelf_after_open): with -r, -z [no]execstack only makes a note in the first input
            # when it has none (executable for -z execstack); the inputs' notes are merged as they are
            objs = [x for x in self.ctx.objs if not getattr(x, "synthetic", False)]
            made_x = bool(cfg.execstack) and (self.ctx.target.stub_file_first or
                                               bool(objs) and not objs[0].has_gnu_stack)
            f = PF_X if made_x or any(x.has_gnu_stack and x.exec_stack for x in objs) else 0
        if f is None:
            return
        if o is None:
            self.seq += 1
            o = self.outs[".note.GNU-stack"] = _Out(".note.GNU-stack", SHT_PROGBITS, 0,
                                                    (1, 10 ** 6, 1, 6, self.seq))
        o.flags = SHF_EXECINSTR if f & PF_X else 0

    # ---------------------------------------------------------------- layout
    def layout(self) -> None:
        self._gnu_stack()
        commons = self._commons()
        outs = sorted(self.outs.values(), key=lambda o: o.key)
        self.ordered = outs
        from .relorphans import HAS_CONTENTS, ALLOC
        for o in outs:
            if o.etype == SHT_NOBITS and o.bflags >= 0 and o.bflags & HAS_CONTENTS and o.bflags & ALLOC:
                # bfd's elf_fake_sections: a section typed NOBITS (its first input's type) that data
                # or a PROGBITS input gave contents
                diag.warn(f"section `{o.name}' type changed to PROGBITS")
        # bfd (_bfd_elf_tls_setup) gives the first TLS output section the largest alignment of the
        # TLS sections that follow it, in -r too
        for i, o in enumerate(outs):
            if o.flags & SHF_TLS and o.flags & SHF_ALLOC:
                j = i
                while j < len(outs) and outs[j].flags & SHF_TLS:
                    o.align = max(o.align, outs[j].align)
                    j += 1
                break
        for o in outs:
            if not o.merge_ok:
                o.flags &= ~(SHF_MERGE | SHF_STRINGS)
            bid = getattr(o, "build_id", None)
            if o.type == SHT_GROUP or bid is not None and not o.members or getattr(o, "prop_note", False):
                continue
            # bfd (elf_fake_sections) keeps an entry size only for SHF_MERGE sections and gives the
            # array sections 8; anything else gets 0, whatever the inputs said
            if o.entsize is None or o.entsize < 0 or not o.flags & SHF_MERGE:
                o.entsize = 8 if o.type in (SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY) else 0
            off = 0
            # --build-id's note with the inputs' ones: bfd makes it a section of the first input
            # object, so it follows that object's note and comes before the others'
            first = self.ctx.objs[0] if bid is not None else None
            for k, p in enumerate(o.members):
                if p.kind == "eh":
                    self._split_eh(p, k + 1 == len(o.members))
                if first is not None and p.obj is not first:
                    o.build_id_at = off = align_up(off, 4)
                    off += bid.size
                    first = None
                a = p.sec.align
                off = align_up(off, a)
                p.off = off
                off += p.size if p.kind == "eh" else p.sec.size
            if first is not None:
                o.build_id_at = off = align_up(off, 4)
                off += bid.size
            o.size = off
        if commons:
            self._place_commons(commons)
        if getattr(self, "addr_walk", None):
            self._script_addresses()

    def _commons(self) -> list:
        """-r with -d/-dc/-dp: the common symbols to allocate, with the .bss output made ready
        (bfd's -r script puts COMMON in .bss; a TLS common goes there too, as bfd does)."""
        ctx = self.ctx
        if not ctx.config.define_common:
            return []
        commons = [s for s in ctx.symtab.values() if s.rank == COMMON]
        if any(s.large_common for s in commons):
            # bfd allocates them in an orphan LARGE_COMMON output section: not reproduced
            raise LinkError("option -d/-dc/-dp is not supported with -r and a large common symbol")
        if commons and getattr(ctx, "r_script", None) is not None:
            # a script's *(COMMON) placement is not modelled for -r
            raise LinkError("option -d/-dc/-dp is not supported with -r and a linker script")
        if commons:
            self._out_for(".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, ".bss")
        return commons

    def _place_commons(self, commons) -> None:
        """Append the commons to .bss. bfd allocates them in its hash-table order, which cannot be
        reproduced; the order here (largest alignment first, then name) is deterministic and wastes
        little padding. Offsets therefore differ from bfd's; the symbols' sections, sizes, types
        and alignments do not."""
        o = self.outs[".bss"]
        off = o.size
        self.common_at = {}
        for s in sorted(commons, key=lambda s: (-s.common_align, s.name)):
            a = max(s.common_align, 1)
            off = align_up(off, a)
            o.align = max(o.align, a)
            self.common_at[id(s)] = off
            off += s.size
        o.size = off

    def _split_eh(self, p, last: bool) -> None:
        """Keep CIEs and the FDEs of kept code (bfd's -r .eh_frame editing)."""
        from .ehframe import split_eh_frame
        sec = p.sec
        data = bytes(sec.data)
        recs = split_eh_frame(sec, data)
        obj = p.obj
        keep = []
        for r in recs:
            if not r.is_cie and r.relocs and self._dropped_target(obj, r.relocs[0][1] >> 32):
                r.dead = True
            else:
                r.dead = False
            keep.append(r)
        # a CIE no kept FDE uses goes too (bfd's _bfd_elf_discard_section_eh_frame starts every
        # record removed and keeps a CIE for each FDE it keeps: the CIE of a dropped COMDAT
        # duplicate's FDEs)
        used = {id(r.cie) for r in keep if not r.is_cie and not r.dead and r.cie is not None}
        for r in keep:
            if r.is_cie and id(r) not in used and self.ctx.target.drop_unused_cies:
                r.dead = True
        end = recs[-1].off + recs[-1].size if recs else 0
        tail = data[end:]                  # a zero terminator or padding after the last record
        # as in a final link, bfd trims each record's trailing DW_CFA_nop padding and pads the
        # section's last record out to the section's alignment
        from .ehframe import _trim, _cie_insns, _enc_size, _uleb
        live = [r for r in keep if not r.dead]
        for r in live:
            if r.is_cie:
                r.insns, r.aug_z = _cie_insns(data, r.off)
        for r in live:
            if r.is_cie:
                r.new_size = _trim(data, r, r.insns)
            else:
                cie = r.cie
                w = _enc_size(cie.fde_enc)
                q = r.off + 8 + 2 * w
                if cie.aug_z:
                    n, q = _uleb(data, q)
                    q += n
                r.new_size = _trim(data, r, q)
        total = sum(r.new_size for r in live)
        if live and not tail and not last:      # (padding only where another input follows)
            live[-1].new_size += -total & (sec.align - 1)
        out = bytearray()
        for r in live:
            r.new_off = len(out)
            out += data[r.off:r.off + min(r.size, r.new_size)]
            out += bytes(r.new_size - r.size) if r.new_size > r.size else b""     # DW_CFA_nop
            struct.pack_into("<I", out, r.new_off, r.new_size - 4)
            if not r.is_cie:
                # the CIE pointer is relative to the record: rewrite it for the new places
                struct.pack_into("<I", out, r.new_off + 4, r.new_off + 4 - r.cie.new_off)
        out += tail
        p.eh_recs = recs
        p.eh_end = end
        p.eh_data = out
        p.size = len(out)

    def _dropped_target(self, obj, symi) -> bool:
        """True when local symbol symi of obj lies in a section that is not in the output."""
        if symi == 0 or symi >= obj.first_global:
            return False
        sh = obj.esyms[symi][3]
        if sh == SHN_UNDEF or SHN_LORESERVE <= sh <= 0xffff:
            return False
        return sh not in self.parts[id(obj)]

    # ---------------------------------------------------------------- symbols
    def symbols(self) -> None:
        ctx = self.ctx
        outs = self.ordered
        # section numbers: SHT_GROUP first, then each section followed by its relocations
        idx = 1
        for o in outs:
            o.index = idx
            idx += 1
            has_rel = o.type != SHT_GROUP and any(p.sec.rel_size for p in o.members)
            if has_rel:
                o.rela = _Out(".rela" + o.name, SHT_RELA, SHF_INFO_LINK | (o.flags & SHF_GROUP), None)
                o.rela.align = 8
                o.rela.entsize = 24
                o.rela.index = idx
                idx += 1
        self.nsec = idx            # .symtab's index
        self.strtab = StrTab(".strtab", False)
        add = self.strtab.add
        syms = [(0, 0, 0, 0, 0, 0)]       # (name, info, other, shndx, value, size)
        for o in outs:
            o.symidx = len(syms)
            syms.append((0, STT_SECTION, 0, _real(o.index), 0, 0))
        from .symtab import is_local_label, unique_name
        self.unique = unique = {} if ctx.config.z_unique_symbol else None
        self.local_idx = {}
        discard = ctx.config.discard
        if ctx.config.strip_all and discard == "sec_merge":
            discard = "all"                 # bfd: `-r -s` is `-r -S -x`
        drop_all = discard == "all"
        drop_labels = discard == "locals"
        for obj in ctx.objs:
            parts = self.parts[id(obj)]
            names = obj.sym_names
            esyms = obj.esyms
            li = [0] * obj.first_global
            first = not drop_all            # (-x: no FILE symbol at all)
            # bfd keeps a kept group's local signature symbol where it stands, even with -x
            sigs = {g[2] for g in self.groups if g[0] is obj} if drop_all else ()
            for i in range(1, obj.first_global):
                e = esyms[i]
                typ = e[1] & 0xf
                if typ == STT_SECTION:
                    continue
                if drop_all and i not in sigs or drop_labels and is_local_label(names[i]):
                    continue                # (written below if a relocation needs it)
                sh = e[3]
                if typ == STT_FILE:
                    if obj.lto_output:
                        continue            # (bfd: the LTO plugin's temporary name is dropped, as in a final link)
                    li[i] = len(syms)
                    syms.append((add(names[i]), e[1], e[2], SHN_ABS, e[4], e[5]))
                    first = False
                    continue
                if sh == SHN_ABS or sh == SHN_COMMON:
                    shndx, value = sh, e[4]
                elif sh == SHN_UNDEF or SHN_LORESERVE <= sh <= 0xffff:
                    shndx, value = sh, e[4]
                else:
                    p = parts.get(sh)
                    if p is None:
                        continue            # in a dropped (COMDAT duplicate) section
                    shndx, value = _real(p.out.index), e[4] + self._part_off(p, e[4], e[1] <= 1)
                if first:
                    from .symtab import _file_sym
                    # (an LTO plugin's object: bfd's FILE symbol before its locals has no name)
                    syms.append((add("" if obj.lto_output else _file_sym(obj)), STT_FILE, 0, SHN_ABS, 0, 0))
                    first = False
                li[i] = len(syms)
                syms.append((add(names[i] if unique is None else unique_name(unique, names[i])), e[1], e[2],
                             shndx, value, e[5]))
            if drop_all or drop_labels:
                self._needed_locals(obj, parts, li, syms)
            self.local_idx[id(obj)] = li
        self.global_idx = {}
        cfg = ctx.config
        if cfg.gc_sections:
            # bfd makes an undefined symbol that only removed sections used local, after an
            # unnamed FILE symbol
            hide = [s for n, s in ctx.symtab.items() if s.rank == NONE and s.ref_regular
                    and not s.used_in_reloc and n not in cfg.undefined]
            if hide and any(e[1] & 0xf == STT_FILE for e in syms[1:]):
                syms.append((0, STT_FILE, 0, SHN_ABS, 0, 0))
            for s in hide:
                self.global_idx[id(s)] = len(syms)
                syms.append((add(s.name), s.type if s.type != 10 else 2, 0, SHN_UNDEF, 0, 0))
            self.hidden = {id(s) for s in hide}
        self.first_global = len(syms)
        hidden = getattr(self, "hidden", ())
        common_at = getattr(self, "common_at", {})
        zc = ctx.config.z_common
        for name, s in ctx.symtab.items():
            if s.rank == SHARED or id(s) in hidden:
                continue
            if s.rank == NONE:
                if not s.ref_regular:
                    continue
                bind = STB_GLOBAL if s.ref_strong else STB_WEAK
                info = (bind << 4) | (s.type if s.type != 10 else 2)
                ent = (add(name), info, s.visibility, SHN_UNDEF, 0, 0)
            elif s.rank == COMMON and id(s) in common_at:     # allocated (-d): an object, as bfd
                ent = (add(name), (STB_GLOBAL << 4) | (STT_OBJECT if s.type == STT_COMMON else s.type),
                       s.visibility, _real(self.outs[".bss"].index), common_at[id(s)], s.size)
            elif s.rank == COMMON:
                # -z common / -z nocommon choose the type; by default bfd keeps the first input's
                typ = s.type
                if zc is not None and typ in (STT_OBJECT, STT_COMMON):
                    typ = STT_COMMON if zc else STT_OBJECT
                # (a large common stays one: the target's section index, as bfd)
                shndx = self.ctx.target.large_common_shndx if s.large_common else SHN_COMMON
                ent = (add(name), (STB_GLOBAL << 4) | typ, s.visibility, shndx, s.common_align, s.size)
            else:
                sec = s.section
                bind = s.bind if s.bind != STB_LOCAL else STB_GLOBAL
                if sec is None:
                    shndx, value = SHN_ABS, s.value
                else:
                    p = self.parts[id(sec.file)].get(sec.shndx)
                    if p is None:
                        continue
                    shndx, value = _real(p.out.index), s.value + self._part_off(p, s.value)
                    if getattr(s, "script_abs", False):
                        shndx = SHN_ABS         # --defsym x=sym+N: bfd lists it as absolute
                ent = (add(name), (bind << 4) | s.type, s.visibility, shndx, value, s.size)
            if s.dyn_version is not None and not s.dyn_version[1]:
                base = name.partition("@")[0]                   # (keyed foo@V: see split_symver)
                ent = (add(f"{base}@@{s.dyn_version[0]}"),) + ent[1:]     # as the object named it
            self.global_idx[id(s)] = len(syms)
            syms.append(ent)
        self.syms = syms

    def _needed_locals(self, obj, parts, li, syms) -> None:
        """-x/-X with -r: the dropped locals that a kept relocation names are written after the
        object's other locals, as bfd writes them: when its relocation pass first meets them (input
        sections in order, relocations in order), without a FILE symbol."""
        from .symtab import unique_name
        esyms = obj.esyms
        fg = obj.first_global
        add = self.strtab.add
        for ii in sorted(parts):
            p = parts[ii]
            if p.sec is None or not p.sec.rel_size:
                continue
            for _off, info, _a in p.sec.relocs:
                si = info >> 32
                if not 0 < si < fg or li[si]:
                    continue
                e = esyms[si]
                if e[1] & 0xf in (STT_SECTION, STT_FILE):
                    continue
                sh = e[3]
                if sh == SHN_ABS or sh == SHN_COMMON or sh == SHN_UNDEF or SHN_LORESERVE <= sh <= 0xffff:
                    shndx, value = sh, e[4]
                else:
                    tp = parts.get(sh)
                    if tp is None:
                        continue
                    shndx, value = _real(tp.out.index), e[4] + self._part_off(tp, e[4], e[1] <= 1)
                li[si] = len(syms)
                name = obj.sym_names[si]
                if self.unique is not None:
                    name = unique_name(self.unique, name)
                syms.append((add(name), e[1], e[2], shndx, value, e[5]))

    def _part_off(self, p, value, moves=True) -> int:
        """Where offset `value` of an input section is in its output section.  A symbol in .eh_frame
        (aarch64's `$d` at each FDE) moves with its record as bfd's offset_adjust moves it: a dropped
        record's to the next kept one (or the section's end); bfd leaves local symbols other than
        NOTYPE/OBJECT ones where they were (moves False)."""
        if p.kind != "eh" or not moves or not p.eh_recs:
            return p.off
        recs = p.eh_recs
        k = 0
        while k + 1 < len(recs) and value >= recs[k + 1].off:
            k += 1
        r = recs[k]
        if not r.dead:
            return p.off + r.new_off - r.off
        nxt = next((q.new_off for q in recs[k + 1:] if not q.dead), len(p.eh_data))
        return p.off + nxt - r.off

    def _eh_map(self, p, o) -> int:
        """An offset in an input .eh_frame → its offset in the output section (-1: removed)."""
        for r in p.eh_recs:
            if r.off <= o < r.off + r.size:
                return -1 if r.dead else p.off + r.new_off + (o - r.off)
        return p.off + len(p.eh_data) - (len(p.sec.data) - o) if o >= p.eh_end else -1

    # ---------------------------------------------------------------- relocations
    def relocations(self) -> None:
        target = self.ctx.target
        reloc_field_width = target.reloc_field_width
        R_NONE_INFO = target.R_NONE
        gidx = self.global_idx
        # bfd's -r script fills the gaps of .init/.text/.fini with the target's code fill (aarch64:
        # NOPs, `} =0x1f2003d5`); a -T script's statements have no fill here
        no_script = getattr(self.ctx, "r_script", None) is None
        for o in self.ordered:
            if o.type == SHT_GROUP:
                continue
            if getattr(o, "prop_note", False):
                continue
            data = None
            if o.type != SHT_NOBITS:
                data = bytearray(o.size)
                fill = target.script_fill(o.name) if no_script else b""
                # bfd pads the gaps of a code section with the target's fill hook (x86-64: NOPs), as
                # in a final link; its bfd flags say code, not the header (a data-made `.plt` is AX)
                code = bool(o.bflags & CODE) if o.bflags >= 0 else bool(o.flags & SHF_EXECINSTR)
                end = 0
                for p in o.members:
                    d = p.eh_data if p.kind == "eh" else p.sec.data
                    if p.off > end and (fill or code):
                        gap = p.off - end
                        data[end:p.off] = (fill * (gap // len(fill) + 1))[:gap] if fill else \
                            target.code_fill(gap)
                    data[p.off:p.off + len(d)] = d
                    end = p.off + len(d)
            o.data = data
            if o.rela is None:
                continue
            rels = o.relocs
            debug = _is_debug(o.name)
            # bfd removes a debug relocation against dropped code only while more than one entry
            # would be left in the output section (RELOC_AGAINST_DISCARDED_SECTION), else NONE
            remaining = sum(len(p.sec.relocs) for p in o.members if p.sec.rel_size) if debug else 0
            eh_like = o.name in (".eh_frame", ".gcc_except_table")    # bfd's action_discarded 0
            for p in o.members:
                obj = p.obj
                if not p.sec.rel_size:
                    continue
                parts = self.parts[id(obj)]
                li = self.local_idx[id(obj)]
                esyms = obj.esyms
                fg = obj.first_global
                osyms = obj.syms
                nsym = len(esyms)
                last = p.off          # bfd's last_offset starts at the input section's place
                for off, info, addend in p.sec.relocs:
                    si = info >> 32
                    typ = info & 0xffffffff
                    if p.kind == "eh":
                        noff = self._eh_map(p, off)
                        if noff < 0:
                            rels.append((last, R_NONE_INFO, 0))
                            continue
                    else:
                        noff = p.off + off
                    if si >= nsym:
                        raise obj.error(f"relocation at {p.sec.name}+0x{off:x} refers to symbol index {si} "
                                        f"beyond the symbol table ({nsym} entries)")
                    if si == 0:
                        new = 0
                    elif si < fg:
                        e = esyms[si]
                        sh = e[3]
                        tp = None
                        if not (sh == SHN_UNDEF or SHN_LORESERVE <= sh <= 0xffff):
                            tp = parts.get(sh)
                            if tp is None and not eh_like:
                                # bfd "pretends" the symbol is in the kept group's section of the same
                                # name and size (_bfd_elf_check_kept_section); outside debug sections
                                # that is also an error
                                tp = self._kept(obj, sh)
                                if not debug:
                                    self._complain(obj, p, si, sh)
                                if tp is not None and e[1] & 0xf != STT_SECTION:
                                    tp = None     # (a named local there: not output, as below)
                            if tp is None:        # a section of a dropped COMDAT duplicate
                                if data is not None:
                                    w = reloc_field_width(typ)
                                    fill = 1 if o.name == ".debug_ranges" else 0
                                    data[noff:noff + w] = fill.to_bytes(w, "little") if w else b""
                                if debug and remaining > 1:
                                    remaining -= 1
                                    continue
                                rels.append((noff, R_NONE_INFO, 0))
                                last = noff
                                continue
                        if e[1] & 0xf == STT_SECTION:
                            if tp is None:
                                new = 0       # SHN_ABS section symbol: nothing to point at
                            else:
                                new = tp.out.symidx
                                if tp.kind == "eh":
                                    addend = self._eh_map(tp, addend) if addend >= 0 else addend + tp.off
                                else:
                                    addend += tp.off
                        else:
                            new = li[si]
                    else:
                        s = osyms[si]
                        new = gidx.get(id(s), 0) if s is not None else 0
                    rels.append((noff, (new << 32) | typ, addend))
                    last = noff
            # bfd sorts each output relocation section by offset (elf_link_adjust_relocs: an
            # insertion sort, so entries at one offset keep their order)
            rels.sort(key=_offset)

    def _kept(self, obj, sh):
        """The _Part of the kept copy of dropped COMDAT member `sh` of obj: the section with the same
        name in the group that was kept, when it has the same size."""
        d = self.dropped_in.get((id(obj), sh))
        if d is None:
            return None
        owner, sig, name, size = d
        oparts = self.parts[id(owner)]
        for gsig, mem in owner.comdat_groups:
            if gsig != sig:
                continue
            for m in mem:
                kp = oparts.get(m)
                if kp is not None and kp.sec is not None and kp.sec.name == name and kp.sec.size == size:
                    return kp
        return None

    def _complain(self, obj, p, si, sh) -> None:
        e = obj.esyms[si]
        d = self.dropped_in.get((id(obj), sh))
        dname = d[2] if d is not None else "?"
        sname = obj.sym_names[si] if e[1] & 0xf != STT_SECTION else dname
        diag.error(f"`{diag.demangle(sname)}' referenced in section `{p.sec.name}' of {obj.name}: defined in "
                   f"discarded section `{dname}' of {obj.name}")

    # ---------------------------------------------------------------- write
    def write(self) -> bytearray:
        outs = self.ordered
        style = self.ctx.config.compress_debug_sections
        if style != "none":
            self._compress(style)
        nsec_total = self.nsec + 3          # .symtab, .strtab, .shstrtab
        need_x = nsec_total >= SHN_LORESERVE
        if need_x:
            nsec_total += 1
        syms = self.syms
        shndx_tab = None
        if need_x:
            shndx_tab = [0] * len(syms)
            fixed = []
            for i, e in enumerate(syms):
                sh = e[3]
                if sh & _REAL:
                    shndx_tab[i] = sh & ~_REAL
                    e = e[:3] + (SHN_XINDEX,) + e[4:]
                fixed.append(e)
            syms = fixed
        # group contents: flag word, then each member's section (and its relocations)
        for obj, gi, sig, members, flag, o in self.groups:
            words = [flag]
            parts = self.parts[id(obj)]
            for m in members:
                p = parts.get(m)
                if p is None or p.out is None:
                    continue
                words.append(p.out.index)
                if p.out.rela is not None:
                    words.append(p.out.rela.index)
            o.data = struct.pack(f"<{len(words)}I", *words)
            o.size = len(o.data)
            o.info = self._sig_index(obj, sig, parts)
        # (bfd's .shstrtab: the tables' names first, a name ending another stored inside it)
        shstr = StrTab(".shstrtab", False)
        all_secs = []
        for o in outs:
            all_secs.append(o)
            if o.rela is not None:
                all_secs.append(o.rela)
        names = [".symtab"] + ([".symtab_shndx"] if need_x else []) + [".strtab", ".shstrtab"]
        for n in names:
            shstr.add(n)
        for o in all_secs:
            shstr.add(o.name)
        shstr.merge_tails()
        symtab_idx = self.nsec
        strtab_idx = symtab_idx + (2 if need_x else 1)
        shstr_idx = strtab_idx + 1
        # file layout as bfd's (assign_file_positions_except_relocs, then bfd_elf_final_link and
        # _bfd_elf_assign_file_positions_for_non_load): the header, the sections' contents in index
        # order, .symtab (.symtab_shndx) and .strtab, then the relocation sections and the debug
        # sections --compress-debug-sections delays (in index order), .shstrtab, the section headers
        headers = [(0, SHT_NULL, 0, 0, 0, nsec_total if need_x else 0, shstr_idx if need_x else 0, 0, 0, 0)]
        placed = []         # (header index, data, alignment, NOBITS, whether bfd places it late)
        for o in all_secs:
            if o.type == SHT_RELA:
                tgt = next(x for x in outs if x.rela is o)
                data = b"".join(RELA.pack(*r) for r in tgt.relocs)
                o.size = len(data)
                link, info = symtab_idx, tgt.index
            else:
                data = o.data
                link = 0
                info = 0
                if o.type == SHT_GROUP:
                    link, info = symtab_idx, o.info
                elif o.link_to is not None:
                    lobj, lidx = o.link_to
                    lp = self.parts[id(lobj)].get(lidx)
                    link = lp.out.index if lp is not None else 0
            placed.append((len(headers), data, o.align, o.type == SHT_NOBITS,
                           o.type == SHT_RELA or getattr(o, "delayed", False), o))
            headers.append((o.name, o.type, o.flags, o.addr, 0, o.size, link, info, o.align, o.entsize))
        chunks = []
        off = EHDR.size

        def put(late: bool, off: int) -> int:
            for hi, data, align, nobits, is_late, o in placed:
                if is_late != late:
                    continue
                off = align_up(off, align)
                headers[hi] = headers[hi][:4] + (off,) + headers[hi][5:]
                if getattr(o, "build_id", None) is not None:
                    o.build_id.offset = off + getattr(o, "build_id_at", 0)
                if not nobits and data:
                    chunks.append((off, data))
                    off += len(data)
            return off
        off = put(False, off)
        symdata = bytearray(24 * len(syms))
        for i, e in enumerate(syms):
            SYM.pack_into(symdata, 24 * i, *e)
        off = align_up(off, 8)
        headers.append((".symtab", SHT_SYMTAB, 0, 0, off, len(symdata), strtab_idx, self.first_global, 8, 24))
        chunks.append((off, symdata))
        off += len(symdata)
        if need_x:
            off = align_up(off, 4)
            xd = struct.pack(f"<{len(shndx_tab)}I", *shndx_tab)
            headers.append((".symtab_shndx", SHT_SYMTAB_SHNDX, 0, 0, off, len(xd), symtab_idx, 0, 4, 4))
            chunks.append((off, xd))
            off += len(xd)
        sd = bytes(self.strtab.buf)
        headers.append((".strtab", SHT_STRTAB, 0, 0, off, len(sd), 0, 0, 1, 0))
        chunks.append((off, sd))
        off += len(sd)
        off = put(True, off)
        hd = bytes(shstr.buf)
        headers.append((".shstrtab", SHT_STRTAB, 0, 0, off, len(hd), 0, 0, 1, 0))
        chunks.append((off, hd))
        off += len(hd)
        shoff = align_up(off, 8)
        buf = bytearray(shoff + SHDR.size * len(headers))
        for o, d in chunks:
            buf[o:o + len(d)] = d
        for i, h in enumerate(headers):
            name = shstr.map[h[0]] if i else 0
            SHDR.pack_into(buf, shoff + 64 * i, name, *h[1:])
        # bfd marks the output ELFOSABI_GNU when it has STB_GNU_UNIQUE or STT_GNU_IFUNC symbols, or a
        # SHF_GNU_RETAIN section
        gnu = any(e[1] >> 4 == 10 or e[1] & 0xf == 10 for e in syms) or \
            any(h[2] & SHF_GNU_RETAIN for h in headers)
        ident = b"\x7fELF\x02\x01\x01" + bytes([3 if gnu else 0]) + bytes(8)
        EHDR.pack_into(buf, 0, ident, ET_REL, self.ctx.target.e_machine, 1, 0, 0, shoff, 0, EHDR.size, 0, 0, SHDR.size,
                       0 if need_x else len(headers), SHN_XINDEX if need_x else shstr_idx)
        for o in outs:              # --build-id: the hash of the finished file, as in a final link
            bid = getattr(o, "build_id", None)
            if bid is not None:
                bid.write(None, buf)
                bid.post_write(None, buf)
        return buf

    def _compress(self, style) -> None:
        """--compress-debug-sections with -r: bfd compresses the .debug_* sections' bytes (their
        relocations stay plain RELA sections, renamed with them for zlib-gnu's .zdebug_*)."""
        from .writer import compressed_debug
        for o in self.ordered:
            if not o.name.startswith(".debug_") or o.flags & SHF_ALLOC:
                continue
            o.delayed = True        # (bfd places it after .strtab, compressed or not)
            if not o.data:
                continue
            c = compressed_debug(style, o.name, bytes(o.data), o.align)
            if c is None:
                continue
            o.name, extra, o.data, o.align = c
            o.flags |= extra
            o.size = len(o.data)
            if o.rela is not None:
                o.rela.name = ".rela" + o.name

    def _sig_index(self, obj, sig, parts) -> int:
        """The output symbol index of a group's signature symbol."""
        if sig < obj.first_global:
            e = obj.esyms[sig]
            if e[1] & 0xf == STT_SECTION:
                p = parts.get(e[3])
                return p.out.symidx if p is not None else 0
            return self.local_idx[id(obj)][sig]
        s = obj.syms[sig]
        return self.global_idx.get(id(s), 0)
