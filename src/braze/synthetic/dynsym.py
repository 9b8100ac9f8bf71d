""".dynsym, .gnu.hash, .hash, .gnu.version, .gnu.version_r, .gnu.version_d."""
from __future__ import annotations

import _struct as struct

from ..elf import (SHT_DYNSYM, SHT_GNU_HASH, SHT_HASH, SHT_GNU_VERSYM, SHT_GNU_VERNEED, SHT_GNU_VERDEF,
                   SHT_PROGBITS, SHT_NOBITS, SHF_WRITE, SHF_TLS, STT_SECTION,
                   SHF_ALLOC, SYM, STB_GLOBAL, STB_WEAK, STT_TLS, STT_FUNC, SHN_UNDEF, SHN_ABS, SHN_LORESERVE, gnu_hash,
                   sysv_hash, STV_PROTECTED)
from ..diag import LinkError
from ..sections import Chunk
from ..symbols import SHARED


class DynSym(Chunk):
    def __init__(self, dynstr):
        super().__init__(".dynsym", SHT_DYNSYM, SHF_ALLOC, 8, 24)
        self.syms: list = []
        self.dynstr = dynstr
        self.link = dynstr
        self.info = 1
        self.first_defined = 1
        self.nund = 0               # imports: the unhashed symbols before the hashed ones
        self.sects: list = []       # output sections with an STT_SECTION symbol, first after the null entry

    def finalize(self, ctx, nbuckets_for) -> None:
        """Order: undefined imports first, then defined symbols sorted by GNU hash bucket."""
        # (bfd also hashes an executable's imports called through .plt.got, when a library defines
        # them: measured, ld.bfd 2.40, PIE and non-PIE)
        exe = not ctx.config.shared
        dfn = [s for s in self.syms if _is_def(s) or s.canonical_plt or
               exe and s.pltgot_idx >= 0 and s.rank == 1]       # (rank 1: defined by a library)
        hashed = set(map(id, dfn))
        und = [s for s in self.syms if id(s) not in hashed]
        self.nund = len(und)
        self.hashes = {s: gnu_hash(dyn_name(s).encode()) for s in dfn}
        self.syms = und
        self._order(ctx, dfn, nbuckets_for)
        for s in self.syms:
            self.dynstr.add(dyn_name(s))

    def _order(self, ctx, dfn: list, nbuckets_for) -> None:
        """The hashed symbols by bucket, after the section symbols and the imports; the indices."""
        hashes = self.hashes
        nsect = len(self.sects)
        if ctx.config.optimize and dfn:     # (bfd weighs the whole table: dynsymcount)
            nb = optimized_buckets(list(hashes.values()), 1 + nsect + len(self.syms) + len(dfn), gnu=True)
        else:
            nb = nbuckets_for(len(dfn))
        dfn.sort(key=lambda s: hashes[s] % nb)
        self.nbuckets = nb
        self.syms = self.syms[:self.nund] + dfn
        self.first_defined = 1 + nsect + self.nund
        self.info = 1 + nsect
        for i, s in enumerate(self.syms):
            s.dynsym_idx = i + 1 + nsect

    def set_section_syms(self, ctx, chunks, nbuckets_for) -> None:
        """Once the output sections are known (in their order): the target's STT_SECTION entries,
        which shift every symbol's index; the caller sizes the hash and version tables again."""
        picked = index_sections(ctx, chunks)
        if [id(c) for c in picked] != [id(c) for c in self.sects]:
            self.sects = picked
            self._order(ctx, self.syms[self.nund:], nbuckets_for)

    def update_size(self, ctx) -> None:
        self.size = 24 * (1 + len(self.sects) + len(self.syms))

    def write(self, ctx, buf) -> None:
        from ..address import sym_addr, plt_addr, pde_ifunc_plt, undef_value
        o = self.offset + 24
        for c in self.sects:
            SYM.pack_into(buf, o, 0, STT_SECTION, 0, c.shndx, c.addr, 0)
            o += 24
        dynstr = self.dynstr
        for s in self.syms:
            name = dynstr.map[dyn_name(s)]
            # (hidden/internal only on a -z start-stop-visibility __start_/__stop_ symbol, which bfd keeps so)
            other = s.visibility if s.visibility == STV_PROTECTED or (s.visibility and s.linker_defined) else 0
            other |= s.sto_flags
            bind = s.bind if s.bind in (STB_GLOBAL, STB_WEAK) else STB_GLOBAL
            if s.bind == 10 and s.rank != SHARED:
                bind = 10   # GNU_UNIQUE only for a regular object's definition (bfd): a library's
                            # unique object copied into the executable (copy reloc) is GLOBAL
            typ = s.type
            if _is_def(s):
                shndx, value = _out_shndx(ctx, s), sym_addr(ctx, s)
                if shndx is None:
                    shndx = SHN_ABS
                elif shndx >= SHN_LORESERVE:     # .dynsym has no SHN_XINDEX companion: bfd's error
                    raise LinkError(f"{ctx.config.output}: too many sections: {len(ctx.chunks) + 1} "
                                    f"(>= {SHN_LORESERVE})\nfinal link failed: nonrepresentable section "
                                    "on output")
                if typ == STT_TLS:
                    value = (value - ctx.tls_start) & 0xffffffffffffffff   # wraps, as bfd, outside PT_TLS
                size = s.size
                if typ == 10 and pde_ifunc_plt(ctx, s):
                    typ, value, size, shndx = STT_FUNC, plt_addr(ctx, s), 0, _plt_shndx(ctx, s)
            else:
                # an import binds as the references say: weak only if every reference is weak
                shndx = SHN_UNDEF
                if typ == 10:
                    typ = STT_FUNC
                value = undef_value(ctx, s)
                size = 0
                bind = STB_GLOBAL if s.ref_strong or (s.rank == 1 and not s.ref_regular) else STB_WEAK
                if id(s) in ctx.weakdef_imports and not s.ref_regular:
                    # (bfd: an unreferenced alias keeps the library's binding; the global definition
                    # paired with a referenced weak alias is bound as that reference)
                    bind = ctx.weakdef_symtab.get(id(s), s.bind)
            SYM.pack_into(buf, o, name, (bind << 4) | typ, other, shndx, value, size)
            o += 24


def dyn_name(s) -> str:
    """The name without its version: `foo@V1` (a hidden .symver definition, or a reference bound to
    one version) is `foo` in .dynsym, the version going to .gnu.version."""
    n = s.name
    return n[:n.index("@")] if "@" in n else n


# sections bfd's dynamic-object bfd makes (linker-created): never given a section symbol
_LINKER_MADE = frozenset((".interp", ".plt", ".iplt", ".got", ".got.plt", ".igot.plt", ".data.rel.ro",
                          ".dynbss"))


def index_sections(ctx, chunks) -> list:
    """The output sections whose STT_SECTION symbol bfd puts in .dynsym, in section order: with
    the target's init_2_index_sections rule, in a PIC output with dynamic relocations outside
    .rela.plt, the first read-only and the first writable allocated PROGBITS/NOBITS section that
    bfd did not make itself (a thread-local one only when no other qualifies: then the last such;
    no writable one: the read-only one alone)."""
    rd = ctx.syn.rela_dyn
    if not ctx.target.dynsym_section_syms or not ctx.config.pic or rd is None or not (rd.relocs or rd.emptied):
        return []
    found = None
    for writable in (False, True):
        for c in chunks:
            if (c.flags & SHF_ALLOC and bool(c.flags & SHF_WRITE) == writable
                    and c.type in (SHT_PROGBITS, SHT_NOBITS) and c.name not in _LINKER_MADE):
                found = c
                if not c.flags & SHF_TLS:
                    break
        if not writable:
            text = found
    return [c for c in chunks if c is text or c is found]


def _is_def(s) -> bool:
    return s.rank >= 2 or s.copyrel or s.linker_defined


def _plt_shndx(ctx, s) -> int:
    from ..address import plt_addr
    from ..symtab import _section_of_addr
    c = _section_of_addr(ctx, plt_addr(ctx, s))
    assert c is not None
    return c.shndx


def _out_shndx(ctx, s) -> int | None:
    """The output section index of a defined symbol, None when it is absolute."""
    if s.script_abs:
        return None
    if s.copyrel:
        return s.section.out.shndx
    sec = s.section
    if sec is None:
        if s.linker_defined and not s.is_abs:
            from ..symtab import _section_of_addr, _first_alloc, _HEADER_SYMS
            c = _section_of_addr(ctx, s.value)
            if c is None and s.name in _HEADER_SYMS:
                c = _first_alloc(ctx)
            return c.shndx if c is not None else None
        return None
    out = getattr(sec, "out", None)
    if out is None:
        m = getattr(sec, "merge", None)
        if m is not None:          # a symbol in a merged string/constant section
            return m[0].out.shndx
        return getattr(sec, "shndx", None) if not hasattr(sec, "file") else None
    return out.shndx


class GnuHash(Chunk):
    def __init__(self, dynsym):
        super().__init__(".gnu.hash", SHT_GNU_HASH, SHF_ALLOC, 8)
        self.dynsym = dynsym
        self.link = dynsym

    def update_size(self, ctx) -> None:
        ds = self.dynsym
        n = len(ds.syms) - ds.nund
        # bfd's Bloom filter: 2^m bits with m = bit_length(n) + 2, + 3 when n's second-highest bit is
        # set, at least 2^6 (one 64-bit word); the second hash bit is taken at shift m
        m = n.bit_length()
        if m < 3:
            m = 6
        else:
            m = max(6, m + (3 if n & (1 << (m - 2)) else 2))
        self.shift = m if n else 0
        self.bloom = 1 << (m - 6)
        self.size = 16 + 8 * self.bloom + 4 * ds.nbuckets + 4 * n

    def write(self, ctx, buf) -> None:
        ds = self.dynsym
        defined = ds.syms[ds.nund:]
        first = ds.first_defined if defined else 1      # (bfd's empty table: 1, 1, 1, 0)
        nb = ds.nbuckets
        shift = self.shift
        bloom = [0] * self.bloom
        buckets = [0] * nb
        chain = [0] * len(defined)
        for i, s in enumerate(defined):
            h = ds.hashes[s]
            w = (h // 64) % self.bloom
            bloom[w] |= (1 << (h % 64)) | (1 << ((h >> shift) % 64))
            b = h % nb
            if buckets[b] == 0:
                buckets[b] = first + i
            last = i + 1 == len(defined) or ds.hashes[defined[i + 1]] % nb != b
            chain[i] = (h & ~1) | (1 if last else 0)
        o = self.offset
        struct.pack_into(f"<IIII{self.bloom}Q{nb}I{len(chain)}I", buf, o, nb, first, self.bloom, shift,
                         *bloom, *buckets, *chain)


class SysvHash(Chunk):
    def __init__(self, dynsym):
        super().__init__(".hash", SHT_HASH, SHF_ALLOC, 8, 4)
        self.dynsym = dynsym
        self.link = dynsym

    def update_size(self, ctx) -> None:
        ds = self.dynsym
        n = 1 + len(ds.sects) + len(ds.syms)     # (the section symbols: in no chain)
        if ctx.config.optimize:
            codes = [sysv_hash(dyn_name(s).encode()) for s in ds.syms]
            self.nbucket = optimized_buckets(codes, n, gnu=False)
        else:
            self.nbucket = _sysv_buckets(len(ds.syms))
        self.size = 8 + 4 * (self.nbucket + n)

    def write(self, ctx, buf) -> None:
        ds = self.dynsym
        syms = ds.syms
        n = 1 + len(ds.sects) + len(syms)
        nb = self.nbucket
        buckets = [0] * nb
        chain = [0] * n
        for i, s in enumerate(syms, 1 + len(ds.sects)):
            h = sysv_hash(dyn_name(s).encode()) % nb
            chain[i] = buckets[h]
            buckets[h] = i
        struct.pack_into(f"<II{nb}I{n}I", buf, self.offset, nb, n, *buckets, *chain)


def optimized_buckets(codes: list[int], dynsymcount: int, gnu: bool) -> int:
    """The bucket count bfd picks under -O1: between n/4 and 2n buckets (for .gnu.hash at least 2 and
    never a multiple of 32), the one minimizing (the table's fixed words + the sum of squared chain
    lengths) times a penalty growing with the table's size in 4 KiB pages; the search stops after 100
    sizes without improvement."""
    n = len(codes)
    lo = max(n // 4, 2 if gnu else 1)     # (no symbols: bfd's answer is 2n = 0 buckets)
    best = hi = 2 * n
    if gnu and best % 32 == 0:
        best += 1
    fixed = (2 + dynsymcount) * 4
    best_cost = None
    stale = 0
    for size in range(lo, hi):
        if gnu and size % 32 == 0:
            continue
        counts = [0] * size
        for h in codes:
            counts[h % size] += 1
        cost = (fixed + sum(c * c for c in counts)) * (size // 1024 + 1) ** 2
        if best_cost is None or cost < best_cost:
            best_cost, best, stale = cost, size, 0
        else:
            stale += 1
            if stale == 100:
                break
    return best


_BUCKETS = (1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209, 16411, 32771, 65537, 131101)


def _sysv_buckets(n: int) -> int:
    """bfd's bucket count without -O for N hashed symbols: the largest prime of its table that is
    <= N, walking up while N reaches the next one."""
    best = _BUCKETS[0]
    for size, nxt in zip(_BUCKETS, _BUCKETS[1:] + (None,)):
        best = size
        if nxt is None or n < nxt:
            break
    return best


def versioned_import(s) -> bool:
    """An import that names its version in .gnu.version_r: bfd gives none to a definition from a
    library read for another's DT_NEEDED (--copy-dt-needed-entries), though .symtab shows it."""
    return s.rank == 1 and bool(s.verneed) and not getattr(s.file, "dt_needed", False)


class VerSym(Chunk):
    def __init__(self, dynsym):
        super().__init__(".gnu.version", SHT_GNU_VERSYM, SHF_ALLOC, 2, 2)
        self.dynsym = dynsym
        self.link = dynsym

    def update_size(self, ctx) -> None:
        self.size = 2 * (1 + len(self.dynsym.sects) + len(self.dynsym.syms))

    def write(self, ctx, buf) -> None:
        vals = [0] * (1 + len(self.dynsym.sects)) + [s.version for s in self.dynsym.syms]
        struct.pack_into(f"<{len(vals)}H", buf, self.offset, *vals)


class VerNeed(Chunk):
    """Versions the output needs from each shared library (Verneed + Vernaux chains)."""

    def __init__(self, dynstr):
        super().__init__(".gnu.version_r", SHT_GNU_VERNEED, SHF_ALLOC, 8)
        self.dynstr = dynstr
        self.link = dynstr
        self.files: list[tuple[str, list[tuple[str, int]]]] = []

    def build(self, ctx, dynsym, first_index: int) -> None:
        """Assign versym indices to imported symbols in .dynsym order of first use."""
        per_file: dict[str, dict[str, int]] = {}
        order: list[str] = []
        nxt = first_index
        for s in dynsym.syms:
            if not versioned_import(s):
                continue
            so = s.file.soname
            d = per_file.get(so)
            if d is None:
                d = per_file[so] = {}
                order.append(so)
            v = d.get(s.verneed)
            if v is None:
                v = d[s.verneed] = nxt
                nxt += 1
            s.version = v
        self.next_index = nxt
        self.files = [(so, list(per_file[so].items())) for so in order]
        for so, vers in self.files:
            self.dynstr.add(so)
            for name, _ in vers:
                self.dynstr.add(name)
        self.info = len(self.files)

    def add_extra(self, soname: str, name: str) -> None:
        """A version needed by the output itself rather than by a symbol (GLIBC_ABI_DT_RELR): the
        next index, after those of the symbols'."""
        entry = next(v for so, v in self.files if so == soname)
        entry.append((name, self.next_index))
        self.next_index += 1
        self.dynstr.add(name)

    def update_size(self, ctx) -> None:
        self.size = sum(16 + 16 * len(v) for _, v in self.files)

    def write(self, ctx, buf) -> None:
        o = self.offset
        ds = self.dynstr.map
        for fi, (so, vers) in enumerate(self.files):
            last_file = fi + 1 == len(self.files)
            size = 16 + 16 * len(vers)
            struct.pack_into("<HHIII", buf, o, 1, len(vers), ds[so], 16, 0 if last_file else size)
            p = o + 16
            for vi, (name, idx) in enumerate(reversed(vers)):
                last = vi + 1 == len(vers)
                struct.pack_into("<IHHII", buf, p, sysv_hash(name.encode()), 0, idx, ds[name], 0 if last else 16)
                p += 16
            o += size


class VerDef(Chunk):
    """The versions this output defines (Verdef + Verdaux chains); entry 1 is the base version named
    after the soname or output file. vd_cnt counts the node's own name plus its parents."""

    def __init__(self, dynstr, defs, share_base_aux: bool):
        super().__init__(".gnu.version_d", SHT_GNU_VERDEF, SHF_ALLOC, 8)
        self.dynstr = dynstr
        self.link = dynstr
        self.defs = defs
        self.info = len(defs)
        # with --default-symver bfd writes no Verdaux for the base entry: it points at the next
        # entry's (the same name)
        self.share_base_aux = share_base_aux
        for name, parents in defs:
            dynstr.add(name)
            for par in parents:
                dynstr.add(par)

    def _entry_size(self, i: int) -> int:
        if i == 0 and self.share_base_aux:
            return 20
        return 20 + 8 * (1 + len(self.defs[i][1]))

    def update_size(self, ctx) -> None:
        self.size = sum(self._entry_size(i) for i in range(len(self.defs)))

    def write(self, ctx, buf) -> None:
        ds = self.dynstr.map
        o = self.offset
        for i, (name, parents) in enumerate(self.defs):
            size = self._entry_size(i)
            last = i + 1 == len(self.defs)
            aux = 20 + 20 if i == 0 and self.share_base_aux else 20
            flags = 1 if i == 0 else (2 if name in ctx.verdef_weak else 0)     # VER_FLG_BASE/WEAK
            struct.pack_into("<HHHHIII", buf, o, 1, flags, i + 1, 1 + len(parents),
                             sysv_hash(name.encode()), aux, 0 if last else size)
            if size > 20:
                names = [name] + list(parents)
                for k, n in enumerate(names):
                    struct.pack_into("<II", buf, o + 20 + 8 * k, ds[n], 0 if k + 1 == len(names) else 8)
            o += size
