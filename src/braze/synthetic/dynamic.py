""".dynamic: the tags the dynamic loader reads, in the order bfd emits them."""
from __future__ import annotations

import _struct as struct

from .. import elf as E
from .. import _os
from ..sections import Chunk
from .rela import RelativeReloc, is_relative
from .relapack import count_relative


def _depaudit(ctx) -> str | None:
    """DT_DEPAUDIT as bfd writes it: -P/--depaudit's value, then each audit library named by the
    DT_AUDIT of a library given to the link (not one read for another's DT_NEEDED; an --as-needed one
    too, needed or not), each name once."""
    from ..cli import _append_separated
    dep = ctx.config.depaudit
    for audit in ctx.dso_audits:
        for name in audit.split(":"):
            if name:
                dep = _append_separated(dep, name)
    return dep


class Dynamic(Chunk):
    def __init__(self):
        super().__init__(".dynamic", E.SHT_DYNAMIC, E.SHF_ALLOC | E.SHF_WRITE, 8, 16)
        self.entries: list[tuple[int, object]] = []

    def build(self, ctx) -> None:
        """Decide which tags exist (sizes must be known before layout); values are resolved in write()."""
        cfg = ctx.config
        syn = ctx.syn
        ent = []
        add = ent.append
        for so in ctx.needed_dsos:
            add((E.DT_NEEDED, ("str", syn.dynstr.add_name(so.soname))))
        if cfg.soname:          # bfd writes it in any dynamic output, executables too
            add((E.DT_SONAME, ("str", syn.dynstr.add_name(cfg.soname))))
        if cfg.bsymbolic and cfg.shared:
            add((E.DT_SYMBOLIC, 0))
        # the run path: -rpath's, else (as bfd, also when set but empty) the LD_RUN_PATH environment's
        rpath = ":".join(cfg.rpath) if cfg.rpath else _os.getenv("LD_RUN_PATH")
        if rpath is not None:
            add((E.DT_RUNPATH if cfg.new_dtags else E.DT_RPATH, ("str", syn.dynstr.add_name(rpath))))
        # filters and audit libraries: right after the run path, as bfd orders them
        if cfg.filter is not None:
            add((E.DT_FILTER, ("str", syn.dynstr.add_name(cfg.filter))))
        for name in cfg.auxiliary:
            add((E.DT_AUXILIARY, ("str", syn.dynstr.add_name(name))))
        if cfg.audit is not None:
            add((E.DT_AUDIT, ("str", syn.dynstr.add_name(cfg.audit))))
        depaudit = _depaudit(ctx)
        if depaudit is not None:
            add((E.DT_DEPAUDIT, ("str", syn.dynstr.add_name(depaudit))))
        init = ctx.symtab.get(cfg.init)
        fini = ctx.symtab.get(cfg.fini)
        if init is not None and init.is_defined and not init.is_shared:
            add((E.DT_INIT, ("sym", init)))
        if fini is not None and fini.is_defined and not fini.is_shared:
            add((E.DT_FINI, ("sym", fini)))
        for name, tag, sztag in ((".preinit_array", E.DT_PREINIT_ARRAY, E.DT_PREINIT_ARRAYSZ),
                                 (".init_array", E.DT_INIT_ARRAY, E.DT_INIT_ARRAYSZ),
                                 (".fini_array", E.DT_FINI_ARRAY, E.DT_FINI_ARRAYSZ)):
            c = ctx.out_by_name.get(name)
            if c is not None and c.size:
                add((tag, ("addr", c)))
                add((sztag, ("size", c)))
        if syn.hash is not None:
            add((E.DT_HASH, ("addr", syn.hash)))
        if syn.gnu_hash is not None:
            add((E.DT_GNU_HASH, ("addr", syn.gnu_hash)))
        add((E.DT_STRTAB, ("addr", syn.dynstr)))
        add((E.DT_SYMTAB, ("addr", syn.dynsym)))
        add((E.DT_STRSZ, ("size", syn.dynstr)))
        add((E.DT_SYMENT, 24))
        if cfg.z_unique:
            add((E.DT_GNU_FLAGS_1, E.DF_GNU_1_UNIQUE))
        if not cfg.shared:
            add((E.DT_DEBUG, 0))
        if (syn.gotplt.embedded_in is not None or any(c is syn.gotplt for c in ctx.chunks)) and syn.plt.size:
            # (bfd: only with a .plt, as prelink wanted; its address also where a script made it an
            # input of another output section: `.got : { *(.got) *(.got.plt) }`)
            add((E.DT_PLTGOT, ("addr", syn.gotplt)))
        if syn.rela_plt.relocs:
            add((E.DT_PLTRELSZ, ("size", syn.rela_plt)))
            add((E.DT_PLTREL, E.DT_RELA))
            add((E.DT_JMPREL, ("addr", syn.rela_plt)))
        if syn.plt.tlsdesc_tramp:
            add((E.DT_TLSDESC_PLT, ("tlsdesc_plt", syn.plt)))
            add((E.DT_TLSDESC_GOT, ("tlsdesc_got", syn.got)))
        if syn.rela_dyn.relocs or syn.rela_dyn.emptied:
            add((E.DT_RELA, ("addr", syn.rela_dyn) if syn.rela_dyn.relocs else 0))
            add((E.DT_RELASZ, ("size", syn.rela_dyn)))
            add((E.DT_RELAENT, 24))
        if syn.textrel_needed(ctx):     # (bfd's _bfd_elf_add_dynamic_tags: after the RELA tags)
            add((E.DT_TEXTREL, 0))
        ent += ctx.target.dynamic_tags(ctx)
        # bfd's bfd_elf_size_dynamic_sections: the version definitions' tags (made with .gnu.version_d)
        # come before DT_FLAGS/DT_FLAGS_1, the references' and DT_VERSYM after them
        if syn.verdef is not None:
            add((E.DT_VERDEF, ("addr", syn.verdef)))
            add((E.DT_VERDEFNUM, ("info", syn.verdef)))
        flags = 0
        flags1 = 0
        if cfg.now:
            flags |= E.DF_BIND_NOW
            flags1 |= E.DF_1_NOW
        if ctx.textrel:
            flags |= E.DF_TEXTREL
        if ctx.static_tls and cfg.shared:
            flags |= E.DF_STATIC_TLS
        if cfg.bsymbolic:
            flags |= E.DF_SYMBOLIC
        if cfg.z_origin:
            flags |= E.DF_ORIGIN
            flags1 |= E.DF_1_ORIGIN
        if cfg.z_nodelete:
            flags1 |= E.DF_1_NODELETE
        if cfg.z_nodlopen:
            flags1 |= E.DF_1_NOOPEN
        if cfg.z_initfirst:
            flags1 |= E.DF_1_INITFIRST
        if cfg.z_interpose:
            flags1 |= E.DF_1_INTERPOSE
        if cfg.pie:
            flags1 |= E.DF_1_PIE
        flags1 |= cfg.flags_1_extra
        if flags and (cfg.new_dtags or flags & E.DF_STATIC_TLS):
            add((E.DT_FLAGS, flags))
        elif flags & E.DF_BIND_NOW:
            # bfd with --disable-new-dtags: the old tag, and its other DF_* bits (ORIGIN, SYMBOLIC,
            # TEXTREL: said by DT_SYMBOLIC/DT_TEXTREL anyway) dropped, unless DF_STATIC_TLS needs DT_FLAGS
            add((E.DT_BIND_NOW, 0))
        if flags1:
            add((E.DT_FLAGS_1, flags1))
        if syn.verneed is not None and syn.verneed.files:
            add((E.DT_VERNEED, ("addr", syn.verneed)))
            add((E.DT_VERNEEDNUM, len(syn.verneed.files)))
        if syn.versym is not None:
            add((E.DT_VERSYM, ("addr", syn.versym)))
        rel = ctx.target.R_RELATIVE
        sorts = syn.rela_dyn.name == ".rela.dyn" and cfg.z_combreloc
        if sorts and any(is_relative(r, rel) for r in syn.rela_dyn.relocs):
            # bfd: only when there are RELATIVEs, and only in a .rela.dyn (the one it sorts)
            add((E.DT_RELACOUNT, ("relcount", syn.rela_dyn)))
        if syn.relr_dyn is not None and syn.relr_dyn.relocs:
            add((E.DT_RELR, ("addr", syn.relr_dyn)))
            add((E.DT_RELRSZ, ("size", syn.relr_dyn)))
            add((E.DT_RELRENT, 8))
        self.entries = ent
        # as bfd: the tags, then N+1 DT_NULLs (--spare-dynamic-tags=N, default 5); DT_RELACOUNT is not
        # counted: bfd writes it over the first DT_NULL when it sorts relative relocations (with N=0
        # over the only one: .dynamic then has no terminator, as bfd's)
        counted = sum(1 for t, _v in ent if t == E.DT_RELACOUNT)
        self.size = 16 * (len(ent) - counted + 1 + cfg.spare_dynamic_tags)

    def write(self, ctx, buf) -> None:
        from ..address import sym_addr
        o = self.offset
        for tag, v in self.entries:
            if isinstance(v, tuple):
                kind, obj = v
                if kind == "str":
                    v = ctx.syn.dynstr.map[obj]
                elif kind == "addr":
                    v = obj.addr
                elif kind == "size":
                    v = obj.size
                elif kind == "sym":
                    v = sym_addr(ctx, obj)
                elif kind == "tlsdesc_plt":
                    v = obj.tramp_addr()
                elif kind == "tlsdesc_got":
                    v = obj.slot_addr(obj.tlsdesc_got_idx)
                elif kind == "info":
                    v = obj.info
                elif kind == "relcount":
                    v = count_relative(obj.relocs, RelativeReloc, ctx.target.R_RELATIVE)
            struct.pack_into("<qQ", buf, o, tag, v)
            o += 16
