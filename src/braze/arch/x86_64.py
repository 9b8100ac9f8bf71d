"""x86-64: relocation formulas (psABI), GOT/PLT needs, TLS and GOTPCRELX relaxations (bfd's byte patterns).

scan_section() decides what each relocation needs (GOT slot, PLT entry, copy relocation, dynamic
relocation) before layout; apply_relocs() writes the final values after layout. Both use the same
predicates so their decisions agree.
"""
from __future__ import annotations

import _struct as struct
TYPE_CHECKING = False
if TYPE_CHECKING:     # `typing` costs ~10 ms of start-up; annotations are never evaluated
    from typing import Any, Final
    from mypy_extensions import i64     # (mypyc: native 64-bit arithmetic where annotated)

from .. import diag
from ..diag import LinkError
from .base import Target
from ..elf import SHT_NOBITS, SHT_RELA, StructError
from ..elf import (GNU_PROPERTY_1_NEEDED, GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS,
                   GNU_PROPERTY_X86_FEATURE_1_AND, GNU_PROPERTY_X86_FEATURE_1_IBT,
                   GNU_PROPERTY_X86_FEATURE_1_SHSTK, GNU_PROPERTY_X86_FEATURE_1_LAM_U48,
                   GNU_PROPERTY_X86_FEATURE_1_LAM_U57, GNU_PROPERTY_X86_ISA_1_NEEDED, GNU_PROPERTY_X86_UINT32_OR_LO,
                   GNU_PROPERTY_X86_UINT32_OR_HI, GNU_PROPERTY_X86_UINT32_OR_AND_LO, GNU_PROPERTY_X86_UINT32_OR_AND_HI,
                   GNU_PROPERTY_X86_UINT32_AND_LO, GNU_PROPERTY_X86_UINT32_AND_HI,
                   align_up, STB_LOCAL,
                   STT_SECTION, STT_FUNC, STT_GNU_IFUNC, STV_DEFAULT, STV_PROTECTED, SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR,
                   SHN_ABS)
from ..inputs.object import InputSection
from ..sections import merged_offset
from ..address import (local_sym, sym_addr, plt_addr, is_preemptible, may_be_preemptible, has_plt,
                       _symbolic_bind)
from .common import _need, _VIS_WORD, _copy_or_cplt, _textrel, _discarded_value
from ..symbols import Symbol, ScriptDefs
from ..relvalues import (u32 as _u32, u64 as _u64, s64 as _s64, rela_bytes, RawRelas,
                         rela_source as _rela_source, RelocValues, reloc_values as _reloc_values,
                         fill_values as _fill_values, merged_addr as _merged_addr, K_NEW as _K_NEW,
                         K_VAL as _K_VAL, K_DISC as _K_DISC, K_MERGE as _K_MERGE, K_PLT as _K_PLT,
                         many_relocations)
from ..symbols import (NONE, SHARED, COMMON, NEEDS_GOT, NEEDS_PLT, NEEDS_GOTTP, NEEDS_TLSGD,
                       NEEDS_TLSDESC, NEEDS_CPLT, NEEDS_DYNSYM)

EM_X86_64 = 62
SHT_X86_64_UNWIND = 0x70000001      # .eh_frame's type in the x86-64 psABI (gcc emits SHT_PROGBITS)
SHF_X86_64_LARGE = 0x10000000
SHN_X86_64_LCOMMON = 0xff02         # a large common symbol (-mcmodel=medium/large): bfd puts it in .lbss

R_NONE: Final = 0
R_64: Final = 1
R_PC32: Final = 2
R_GOT32: Final = 3
R_PLT32: Final = 4
R_COPY: Final = 5
R_GLOB_DAT: Final = 6
R_JUMP_SLOT: Final = 7
R_RELATIVE: Final = 8
R_GOTPCREL: Final = 9
R_32: Final = 10
R_32S: Final = 11
R_16: Final = 12
R_PC16: Final = 13
R_8: Final = 14
R_PC8: Final = 15
R_DTPMOD64: Final = 16
R_DTPOFF64: Final = 17
R_TPOFF64: Final = 18
R_TLSGD: Final = 19
R_TLSLD: Final = 20
R_DTPOFF32: Final = 21
R_GOTTPOFF: Final = 22
R_TPOFF32: Final = 23
R_PC64: Final = 24
R_GOTOFF64: Final = 25
R_GOTPC32: Final = 26
R_GOT64: Final = 27
R_GOTPCREL64: Final = 28
R_GOTPC64: Final = 29
R_GOTPLT64: Final = 30
R_PLTOFF64: Final = 31
R_SIZE32: Final = 32
R_SIZE64: Final = 33
R_GOTPC32_TLSDESC: Final = 34
R_TLSDESC_CALL: Final = 35
R_TLSDESC: Final = 36
R_IRELATIVE: Final = 37
R_GOTPCRELX: Final = 41
R_REX_GOTPCRELX: Final = 42

from ..synthetic.rela import (DynReloc as _DynReloc, RelativeReloc as _RelativeReloc,  # noqa: E402
                              NoneReloc as _NoneReloc, AssignedReloc as _AssignedReloc)

NAMES = {v: k for k, v in globals().items() if k.startswith("R_") and isinstance(v, int)}


def rname(t: int) -> str:
    return "R_X86_64_" + NAMES.get(t, f"<{t}>")[2:] if t in NAMES else f"relocation type {t}"


# ---------------------------------------------------------------- IBT PLT (bfd's "lazy IBT PLT")
# Used when the output is marked GNU_PROPERTY_X86_FEATURE_1_IBT or with -z ibtplt: every indirect-branch
# target starts with endbr64. PLT0 is the ordinary one; a .plt entry is the lazy half (reached only
# through its GOT slot's initial value), the .plt.sec entry (and a 16-byte .plt.got entry) the half
# calls go to.
ENDBR64 = b"\xf3\x0f\x1e\xfa"
IBT_PLT_ENTRY = 16


def write_ibt_plt_entry(buf, off: int, addr: int, reloc_index: int, plt0: int) -> None:
    """endbr64; push $reloc_index; jmp PLT0; xchg %ax,%ax"""
    struct.pack_into("<4sBIBi2s", buf, off, ENDBR64, 0x68, reloc_index, 0xe9, plt0 - (addr + 14), b"\x66\x90")


def write_ibt_jmp_entry(buf, off: int, addr: int, slot: int) -> None:
    """endbr64; jmp *slot(%rip); nopw 0(%rax,%rax,1) -- .plt.sec, IBT .plt.got and static IFUNC stubs."""
    struct.pack_into("<4s2sI6s", buf, off, ENDBR64, b"\xff\x25", (slot - (addr + 10)) & 0xffffffff,
                     b"\x66\x0f\x1f\x44\x00\x00")


# .eh_frame FDE body for the IBT .plt (same as the lazy PLT's, whose bytes live in ehframe.py, except
# that an entry's push has completed from offset 9 on: DW_OP_lit9 instead of DW_OP_lit11)
IBT_PLT_PUSH_DONE = 9


# ---------------------------------------------------------------- scan

def gotpcrelx_imm(ctx, s) -> bool:
    """A relaxed GOTPCRELX reference to `s` takes its value as an immediate where the form allows
    (an undefined weak: 0; an absolute symbol), not a lea; an assignment's symbol in PIC output is
    converted as the image's own (a lea), as bfd does."""
    return (s.is_abs and not (s.script_abs and ctx.config.pic)) or (s.rank == NONE and not s.linker_defined)


def _at_insn(off: int, t: int, addend: int) -> bool:
    """bfd rewrites a GOTPCREL(X) reference only as the displacement ending an instruction: addend -4
    (the field is the last 4 bytes; any other addend reads beside the GOT slot) and room for the
    opcode and ModRM (and the REX prefix of REX_GOTPCRELX) in the section before it."""
    return addend == -4 and off >= (3 if t == R_REX_GOTPCRELX else 2)


def gotpcrelx_relaxable(ctx, data: Any, off: int, t: int, s: Symbol, addend: int) -> bool:
    cfg = ctx.config
    if not _at_insn(off, t, addend):
        return False
    if not cfg.relax and (cfg.pic or s.rank != NONE or s.linker_defined or data[off - 2] == 0xff):
        # bfd 2.40 (elf_x86_64_convert_load_reloc) turns an undefined weak's GOT load into the value 0
        # in non-PIC output even with --no-relax, except a call/jmp through the GOT
        return False
    if s.linker_defined and s.name == "_DYNAMIC":
        # bfd (elf_x86_64_convert_load_reloc) never converts a GOT load of the linker's _DYNAMIC
        # ("ld.so may use its link-time address"): the slot stays, with a RELATIVE relocation in PIC
        # output (libgc's dyn_load.c reads `&_DYNAMIC` so). A static link's undefined weak _DYNAMIC
        # (not linker-defined) still converts to 0.
        return False
    pic: bool = bool(cfg.pic)
    if s.rank == SHARED or s.type == STT_GNU_IFUNC or (may_be_preemptible(s, bool(cfg.shared))
                                                       and is_preemptible(ctx, s)):
        return False
    op: int = data[off - 2]
    if s.rank == NONE and not s.linker_defined and pic:
        # bfd resolves a non-preemptible undefined weak symbol to 0 in PIC output only through the
        # imm32 forms (mov/test/binop, GOTPCRELX only); branches and plain GOTPCREL keep a GOT slot
        # (holding 0, with no dynamic relocation)
        return t != R_GOTPCREL and (op == 0x8b or op in _GOTX_BINOPS and data[off - 1] & 0xc7 == 0x05)
    if s.is_abs and pic and not s.script_abs:
        # bfd: only a mov, to `mov $value` when the value fits (a lea would need a dynamic relocation);
        # an assignment's symbol (--defsym, a script) converts as the image's own (lea: image + value)
        if op != 0x8b or t == R_GOTPCREL or s.linker_defined:
            return False
        return _imm32_fits(data[off - 3] if t == R_REX_GOTPCRELX else 0, s.value)
    if s.is_abs and not pic and not s.script_abs and not s.linker_defined and t != R_GOTPCREL and \
            (op == 0x8b or op in _GOTX_BINOPS and data[off - 1] & 0xc7 == 0x05):
        # bfd: an object's absolute symbol whose value the imm32 cannot hold keeps its GOT load
        return _imm32_fits(data[off - 3] if t == R_REX_GOTPCRELX else 0, s.value)
    if not s.linker_defined and _in_large_section(s):
        # bfd (elf_x86_64_convert_load_reloc): "Don't convert GOTPCREL relocation against large
        # section" -- code or data in an SHF_X86_64_LARGE section (LLVM's .ltext.*/.ldata of
        # rustc -C code-model=large) may lie beyond the rel32 reach, so the load keeps its GOT slot
        return False
    if op == 0x8b:
        return True
    if t == R_GOTPCREL:
        return False
    if op == 0xff and data[off - 1] in (0x15, 0x25):
        return True
    # test/binop have no PC-relative immediate form, so like bfd only non-PIC output converts them
    return not pic and op in _GOTX_BINOPS and data[off - 1] & 0xc7 == 0x05


def _in_large_section(s: Symbol) -> bool:
    """Whether `s` is defined in an input section flagged SHF_X86_64_LARGE, or is a large common
    (SHN_X86_64_LCOMMON: bfd's LARGE_COMMON section in .lbss is flagged so too)."""
    if s.large_common and s.rank == COMMON:
        return True
    sec: Any = s.section
    if sec is None:
        return False
    flags: Any = getattr(sec, "flags", 0)
    return isinstance(flags, int) and bool(flags & SHF_X86_64_LARGE)


def _abs_got_becomes_pc32(data: Any, off: int, t: int) -> bool:
    """Does bfd rewrite this GOTPCREL(X) reference to an absolute symbol in PIC output into a PC32
    one (a plain GOTPCREL mov into a lea; a GOTPCRELX indirect call/jmp into a direct one)?"""
    op: int = data[off - 2]
    if t == R_GOTPCREL:
        return op == 0x8b
    return op == 0xff and data[off - 1] in (0x15, 0x25)


def _imm32_fits(rex, v) -> bool:
    """Whether v fits the imm32 of a c7/f7/81 form: sign-extended under REX.W, zero-extended otherwise
    (v taken as a 64-bit address, as bfd's: 0xffffffffffffffe0 is -0x20 under REX.W)."""
    v &= 0xffffffffffffffff
    if 0x40 <= rex <= 0x4f and rex & 8:
        return v <= 0x7fffffff or v >= 0xffffffff80000000
    return v <= 0xffffffff


# test (85) and add/or/adc/sbb/and/sub/xor/cmp reg,r/m (03..3b): the forms bfd turns into immediates
_GOTX_BINOPS = frozenset((0x85, 0x03, 0x0b, 0x13, 0x1b, 0x23, 0x2b, 0x33, 0x3b))


def _err_pic(ctx, obj, sec, off, t, s):
    """bfd's wording: an undefined symbol is called so, with its visibility; recompiling cannot help
    a non-default one (it has no definition to reach)."""
    what = "a shared object" if ctx.config.shared else "a PIE object"
    flag = "-fPIC" if ctx.config.shared else "-fPIE"
    und = "undefined " if s.rank == NONE and not s.linker_defined else ""
    vis = _VIS_WORD[s.visibility] if und else ""
    hint = "" if vis else f"; recompile with {flag}"
    if s.type == STT_SECTION and not s.name and s.section is not None:
        # a local section symbol (a non-PIC object's `.rodata+off`, rustc's `.rodata..Lanon.*`): bfd
        # names the section, without the word "symbol" (braze wrote "symbol `'")
        name = str(getattr(s.section, "name", ""))
        diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} against `{name}' can not be "
                   f"used when making {what}{hint}")
        return
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} against {und}{vis}symbol "
               f"`{diag.demangle(s.name)}' can not be used when making {what}{hint}")


def _err_pde_abs32(obj, t, s):
    """bfd's error (and its final line) for an R_X86_64_32/32S/16/8 in a position-dependent
    executable's writable data against a library's symbol: no copy relocation, and a dynamic one
    would not fit the word."""
    diag.error(f"{obj.name}: relocation {rname(t)} against symbol `{diag.demangle(_versioned_name(s))}' can not be "
               f"used when making a PDE object; recompile with -fPIE")
    diag.error("failed to set dynamic section sizes: bad value")


def _versioned_name(s) -> str:
    """A library's symbol as bfd names it in messages: with the version of its definition there."""
    if s.rank == SHARED:
        for d in s.file.defs:
            if d[0] == s.name and d[6] is not None and (s.verneed is None or d[6] == s.verneed):
                return f"{s.name}{'@' if d[7] else '@@'}{d[6]}"
    return str(s.name)


def _err_nocopyreloc(ctx, obj, sec, off, t, s):
    """-z nocopyreloc: a 32-bit reference to a library's data cannot become a copy relocation.  bfd
    fails a PC-relative one in a position-dependent executable (its error, below); otherwise it writes a
    32-bit text relocation that overflows at run time (a library's data is above 4 GiB), so braze
    refuses that link."""
    if t == R_PC32 and not ctx.config.pic:
        diag.error(f"{obj.name}: relocation {rname(t)} against symbol `{diag.demangle(_versioned_name(s))}' can not be "
                   f"used when making a PDE object; recompile with -fPIE")
        return
    why = "-z nocopyreloc" if ctx.config.z_nocopyreloc else "-z indirect-extern-access (no copy relocation)"
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} against `{diag.demangle(s.name)}' "
               f"with {why}: a text relocation that cannot reach the library's data (not supported; "
               f"recompile with -fPIC)")


# ---------------------------------------------------------------- scan decision tables
# As mold's scan_relocations: what a reference needs depends on the output kind (row) and the kind of
# symbol (column). The special cases bfd decides first (locals, IFUNCs, an executable's undefined weak
# references) stay in scan_section before the lookup.
# output kinds: shared object, PIE, position-dependent exe
DSO: Final = 0
PIE: Final = 1
PDE: Final = 2
# symbol kinds: an import (defined in a shared library), another preemptible symbol (an export of a
# shared object, an undefined symbol of a dynamic link), an undefined symbol bound here, a local
# definition, an assignment's (a linker script's or --defsym's) bound here, whose section bfd learns
# only after the layout; +ABS_BIT when it is absolute (SHN_ABS)
IMPORT: Final = 0
PREEMPT: Final = 2
UNDEF: Final = 4
LOCAL: Final = 6
ASSIGNED: Final = 8
ABS_BIT = 1
# actions
NONE_: Final = 0
ERROR: Final = 1
COPY_OR_CPLT: Final = 2
DYN: Final = 3
BASEREL: Final = 4
ASSIGNED_REL: Final = 5     # a slot now; RELATIVE or R_X86_64_NONE once laid out (rela.AssignedReloc)
_ = NONE_
#          IMPORT  +abs     PREEMPT +abs   UNDEF +abs   LOCAL  +abs   ASSIGNED  +abs
_PC_TABLE: list[list[int]] = [
    [ERROR, ERROR, ERROR, ERROR, _, _, _, _, _, _],                         # DSO
    [COPY_OR_CPLT, COPY_OR_CPLT, _, _, _, _, _, _, _, _],                   # PIE
    [COPY_OR_CPLT, COPY_OR_CPLT, _, _, _, _, _, _, _, _],                   # PDE
]
_ABS64_TABLE: list[list[int]] = [     # in a writable section, COPY_OR_CPLT becomes DYN (no copy relocation for data)
    [DYN, DYN, DYN, DYN, _, _, BASEREL, _, ASSIGNED_REL, ASSIGNED_REL],     # DSO
    [DYN, DYN, DYN, DYN, _, _, BASEREL, _, ASSIGNED_REL, ASSIGNED_REL],     # PIE
    [COPY_OR_CPLT, COPY_OR_CPLT, DYN, DYN, _, _, _, _, _, _],               # PDE
]
# a 32-bit (or narrower) absolute field cannot hold a load-time address: bfd refuses every one in PIC
# output, an absolute symbol's too (its check_relocs fails R_X86_64_8/16/32/32S in PIC output before
# looking at the symbol; only -z noreloc-overflow, which braze does not implement, lifts that)
_ABS32_TABLE: list[list[int]] = [
    [ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR],  # DSO
    [ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR, ERROR],  # PIE
    [COPY_OR_CPLT, COPY_OR_CPLT, _, _, _, _, _, _, _, _],                   # PDE
]
del _


_NO_RELS: list[tuple[int, int, int]] = []
# the relocations bfd lets reach an absolute symbol that PIC output binds (_bfd_elf_x86_valid_reloc_p):
# the value + addend as it is, in a word (the 32-bit ones are refused later for any symbol) or a GOT slot
_ABS_PIC_OK = frozenset((R_64, R_32, R_32S, R_16, R_8, R_GOTPCREL, R_GOTPCRELX, R_REX_GOTPCRELX))


def _sym_kind(ctx, s: Symbol, shared: bool) -> int:
    """The symbol's column in the scan tables (s is not local). `shared`: the output is a shared
    object."""
    if s.rank == SHARED:
        k = IMPORT
    elif may_be_preemptible(s, shared) and is_preemptible(ctx, s):
        k = PREEMPT
    elif s.rank == NONE and not s.linker_defined:
        k = UNDEF
    elif type(s.file) is ScriptDefs:
        k = ASSIGNED
    else:
        k = LOCAL
    return k + ABS_BIT if s.is_abs else k


def _protected_symbolic(ctx, s: Symbol) -> bool:
    """bfd's R_X86_64_64 against a library's exported protected definition: a symbolic dynamic
    relocation (R_X86_64_64 naming it), not RELATIVE, unless -Bsymbolic (or -Bsymbolic-functions, a
    dynamic list) binds it here as it would a default-visibility one."""
    return bool(s.export) and not s.hidden_local and not s.linker_defined and s.bind != STB_LOCAL and \
        not _symbolic_bind(ctx, s)


def _addend(raw: bytes, rels: list[tuple[int, int, int]] | None, i: int) -> int:
    return _s64(raw, i * 24 + 16) if rels is None else rels[i][2]


class _ScanState:
    """What scan_section reads from the link's configuration, once per link instead of once per section
    (each a dict lookup on an interpreted object)."""

    def __init__(self, ctx: Any) -> None:
        cfg = ctx.config
        self.shared: bool = bool(cfg.shared)
        self.pic: bool = bool(cfg.pic)
        self.pie: bool = self.pic and not self.shared
        self.dynamic: bool = bool(ctx.dynamic)
        # undefined symbols follow bfd's executable rules
        self.weak_exe: bool = not self.shared and self.dynamic and not ctx.static_pie
        self.static_pie: bool = bool(ctx.static_pie)
        out = DSO if self.shared else PIE if self.pic else PDE
        self.pc_row: list[int] = _PC_TABLE[out]
        self.abs64_row: list[int] = _ABS64_TABLE[out]
        self.abs32_row: list[int] = _ABS32_TABLE[out]
        self.nocopy: bool = bool(ctx.nocopyreloc)
        self.rela_dyn: Any = ctx.syn.rela_dyn
        # the IFUNCs (by id) a reference gives a PLT entry in bfd's sense (_scan_ifunc), and the
        # (file, type, symbol) of the references that can only use one another reference makes
        self.ifunc_plt: set[int] = set()
        self.ifunc_wants_plt: list[tuple[Any, int, Symbol]] = []
        # a global IFUNC's address taken (PC32, PC64, 32, 32S) outside a shared object: bfd's pointer
        # equality, which clears an input-given indirect-access property bit (finish_properties)
        self.ifunc_addr_taken: bool = False
        # bfd's error for a position-dependent executable's 32-bit word in writable data against a
        # library's symbol is reported once (it stops at the first)
        self.pde_abs32_refused: bool = False
        # an executable's SIZE32/SIZE64 relocations against a library's symbol (type, section, offset,
        # symbol, addend): dynamic unless the symbol is copied or gets a canonical PLT entry
        self.exe_size_relocs: list[tuple[int, InputSection, int, Symbol, int]] = []


def scan_section(ctx, sec: InputSection, rels: list[tuple[int, int, int]] | None = None) -> None:
    """Scan `rels`, or when None the section's own relocations, read from their bytes."""
    obj = sec.file
    rels, raw, n = _rela_source(sec, rels)
    use_raw: bool = rels is None
    if not n:
        return
    rl: list[tuple[int, int, int]] = rels if rels is not None else _NO_RELS   # (indexed natively)
    syms: list[Symbol | None] = obj.syms
    esyms: list[tuple[int, int, int, int, int, int]] = obj.esyms
    st0 = getattr(ctx, "x86_scan", None)
    if st0 is None:
        st0 = ctx.x86_scan = _ScanState(ctx)
    st: _ScanState = st0
    shared: bool = st.shared
    pic: bool = st.pic
    pie: bool = st.pie
    exe: bool = not shared
    dynamic: bool = st.dynamic
    weak_exe: bool = st.weak_exe
    sflags: int = sec.flags     # (read once: an attribute of an interpreted object is a dict lookup)
    writable = bool(sflags & SHF_WRITE)
    pc_row: list[int] = st.pc_row
    abs64_row: list[int] = st.abs64_row
    abs32_row: list[int] = st.abs32_row
    nocopy: bool = st.nocopy
    size: int = sec.size
    data = None
    rela_dyn = st.rela_dyn
    nsyms = len(syms)
    # PC32/PLT32 needs depend only on the symbol: bit 1 (PC32) / 2 (PLT32) marks a symbol of this object
    # already handled, so repeated calls to the same function cost one lookup.  (A list: bytearray
    # indexing is generic in mypyc; symtab.py reads it too.)
    seen0 = obj.pc_seen
    if seen0 is None:
        seen0 = obj.pc_seen = [0] * nsyms
    seen: list[int] = seen0
    off: int
    t: int
    idx: int
    p: i64
    x: i64
    for i in range(n):
        if use_raw:
            p = i * 24      # (decoded inline as in apply_relocs: x is an i64, so shifts are native)
            x = raw[p + 3]
            x = x << 8 | raw[p + 2]
            x = x << 8 | raw[p + 1]
            x = x << 8 | raw[p]
            if raw[p + 4] | raw[p + 5] | raw[p + 6] | raw[p + 7]:
                off = _u64(raw, p)
            else:
                off = int(x)
            t = raw[p + 8]
            if raw[p + 9] | raw[p + 10] | raw[p + 11]:
                t = _u32(raw, p + 8)
            x = raw[p + 15]
            x = x << 8 | raw[p + 14]
            x = x << 8 | raw[p + 13]
            x = x << 8 | raw[p + 12]
            idx = int(x)
        else:
            off, info, _a = rl[i]
            t = info & 0xffffffff
            idx = info >> 32
        if idx >= nsyms:
            raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): relocation refers to symbol index {idx} "
                            f"beyond the symbol table ({nsyms} entries)")
        if off + 8 > size and off + _width(t) > size:
            raise LinkError(f"{obj.name}:({sec.name}): relocation at offset 0x{off:x} is outside the section "
                            f"(size 0x{sec.size:x})")
        if t == R_PLT32 or t == R_PC32:
            bit = 2 if t == R_PLT32 else 1
            if seen[idx] & bit:
                continue
            seen[idx] = seen[idx] | bit     # (an augmented item assignment is a generic call)
        s: Symbol | None = syms[idx]
        if s is None:
            # a local: PC-relative references to it need nothing (unless it is a local IFUNC, or an
            # absolute symbol in PIC output: below)
            if (t == R_PC32 or t == R_PLT32) and esyms[idx][1] & 0xf != STT_GNU_IFUNC and \
                    not (pic and esyms[idx][3] == SHN_ABS):
                continue
            s = local_sym(obj, idx)
        if pic and s.is_abs and t not in _ABS_PIC_OK and sflags & SHF_ALLOC and s.rank >= COMMON and \
                not s.script_abs and not s.linker_defined and \
                not (may_be_preemptible(s, shared) and is_preemptible(ctx, s)):
            # bfd (_bfd_elf_x86_valid_reloc_p, for every relocation of an allocated section): PIC output
            # binds an object's absolute symbol (a local one, or a global one it does not export for
            # preemption) to its plain value, so only the relocations that take that value as it is may
            # reach it; any other (PC-relative, PLT, GOT-relative, SIZE, TLS, even R_X86_64_NONE) is
            # refused.  An assignment's symbol is exempt (bfd treats it as the image's).
            _err_pie_abs(obj, sec, t, s)
            continue
        if s.type == STT_GNU_IFUNC and s.rank >= COMMON and sflags & SHF_ALLOC:
            if not _scan_ifunc(st, obj, sec, t, s, _addend(raw, rels, i)):
                continue
            if t == R_PC32:     # (every one: whether any makes the PLT entry depends on its section)
                seen[idx] = seen[idx] & ~1
        if t == R_PLT32:
            if s.bind == STB_LOCAL:
                if s.type == STT_GNU_IFUNC:
                    _need(ctx, s, NEEDS_PLT)
                continue
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.ref_strong and not s.linker_defined:
                _weak_ref(ctx, s, 0)
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
                _need(ctx, s, NEEDS_PLT)
            elif exe and s.rank == NONE and s.name == "__tls_get_addr":
                # the relaxed TLS sequences' calls to it, defined nowhere: bfd imports nothing, but a
                # PIE (static or dynamic) still reserves its PLT entry (see passes.allocate_got_plt)
                if pic and not s.linker_defined:
                    ctx.dead_tls_plt = True
                continue
            elif may_be_preemptible(s, shared) and is_preemptible(ctx, s):
                _need(ctx, s, NEEDS_PLT | NEEDS_DYNSYM)
            elif st.static_pie and s.rank == NONE and not s.linker_defined and s.visibility == STV_DEFAULT:
                # bfd (-static-pie): a call to an undefined symbol still gets a PLT entry, the .plt.got
                # one when the symbol has a GOT slot (passes.allocate_got_plt)
                _need(ctx, s, NEEDS_PLT)
            continue
        if t == R_PC32 or t == R_PC64 or t == R_PC16 or t == R_PC8:
            if s.bind == STB_LOCAL:
                if s.type == STT_GNU_IFUNC:     # (a local IFUNC's jump or address: through its PLT entry)
                    _need(ctx, s, NEEDS_PLT if sec.flags & SHF_EXECINSTR else NEEDS_PLT | NEEDS_CPLT)
                continue
            if shared and sflags & SHF_ALLOC and (writable or t == R_PC64) and s.type != STT_GNU_IFUNC and \
                    (s.rank == SHARED or is_preemptible(ctx, s)):
                # bfd: a library's PC-relative word against a symbol the loader binds is a dynamic
                # relocation of its own type (R_X86_64_PC32…) in writable data; a PC64 one in code
                # too, as a text relocation
                _need(ctx, s, NEEDS_DYNSYM)
                rela_dyn.relocs.append(_DynReloc(t, sec, off, s, None, _addend(raw, rels, i)))
                if not writable:
                    _textrel(ctx, sec, obj, s)
                continue
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.linker_defined:
                if pic:
                    # bfd: 0 is not PC-relative to anything in a PIE, but in writable data it writes
                    # 0 - P all the same
                    if not ((writable or t == R_PC64) and sflags & SHF_ALLOC) or s.ref_strong:
                        _err_pie_undefined(obj, t, s)
                elif not s.ref_strong:
                    _weak_ref(ctx, s, 2 if sflags & SHF_EXECINSTR else 1)
                continue
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
                # (bfd: only a reference from data needs the PLT entry as the address everywhere)
                _need(ctx, s, NEEDS_PLT if sec.flags & SHF_EXECINSTR else NEEDS_PLT | NEEDS_CPLT)
            elif pic and s.rank == NONE and not s.linker_defined and not s.ref_strong:
                # bfd: an undefined weak symbol's address is not PC-relative in PIC output
                if not writable and sflags & SHF_ALLOC:
                    _err_pic(ctx, obj, sec, off, t, s)
            else:
                act = pc_row[_sym_kind(ctx, s, shared)]
                if act == COPY_OR_CPLT and nocopy and s.type not in (STT_FUNC, STT_GNU_IFUNC):
                    _err_nocopyreloc(ctx, obj, sec, off, t, s)
                elif act == COPY_OR_CPLT and pic and not writable and s.type in (STT_FUNC, STT_GNU_IFUNC):
                    # bfd: a PIE's PC-relative address of a library's function from read-only code
                    # is refused (no canonical PLT entry there), but a PC64 one is a text relocation
                    # (with the PLT entry its check made); from writable data it makes the canonical
                    # PLT entry, as a non-PIE
                    if t == R_PC64 and sflags & SHF_ALLOC:
                        _need(ctx, s, NEEDS_PLT | NEEDS_DYNSYM)
                        rela_dyn.relocs.append(_DynReloc(t, sec, off, s, None, _addend(raw, rels, i)))
                        _textrel(ctx, sec, obj, s)
                    else:
                        _err_pic(ctx, obj, sec, off, t, s)
                elif act == COPY_OR_CPLT:
                    _copy_or_cplt(ctx, s)
                elif act == ERROR:
                    _err_pic(ctx, obj, sec, off, t, s)
            continue
        if t == R_64:
            if not sflags & SHF_ALLOC:
                continue
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and not (shared and is_preemptible(ctx, s)):
                # (a library's preemptible IFUNC is an ordinary dynamic symbol: R_X86_64_64 below)
                if pic or dynamic:
                    if pic:
                        rela_dyn.relocs.append(_DynReloc(R_IRELATIVE, sec, off, None, s, _addend(raw, rels, i)))
                        ctx.ifunc_dynrel = True
                        _textrel(ctx, sec, obj, s)
                    elif writable and not sec.flags & SHF_EXECINSTR:
                        ctx.ifunc_data_relocs.append((sec, off, s, _addend(raw, rels, i)))
                    else:
                        _need(ctx, s, NEEDS_PLT | NEEDS_CPLT)
                elif writable and not sec.flags & SHF_EXECINSTR:
                    # bfd: an executable's writable data needs no PLT entry for its own IFUNC: the
                    # word holds the entry's address if other references make one, else it gets an
                    # IRELATIVE relocation of its own (passes.allocate_dynamic)
                    ctx.ifunc_data_relocs.append((sec, off, s, _addend(raw, rels, i)))
                else:
                    _need(ctx, s, NEEDS_PLT | NEEDS_CPLT)
                continue
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.linker_defined and not s.ref_strong:
                if sflags & SHF_EXECINSTR:
                    _weak_ref(ctx, s, 2)
                else:       # decided with the symbol (bfd: a dynamic relocation only if it is dynamic)
                    _weak_ref(ctx, s, 1)
                    ctx.weak_data_relocs.append((sec, off, s, _addend(raw, rels, i)))
                continue
            act = abs64_row[_sym_kind(ctx, s, shared)]
            if act == COPY_OR_CPLT and (writable or nocopy and s.type not in (STT_FUNC, STT_GNU_IFUNC)):
                act = DYN       # (-z nocopyreloc: also in a read-only section, a text relocation, as bfd)
            if act == COPY_OR_CPLT:
                _copy_or_cplt(ctx, s)
            elif act == DYN:
                _need(ctx, s, NEEDS_DYNSYM)
                rela_dyn.relocs.append(_DynReloc(R_64, sec, off, s, None, _addend(raw, rels, i)))
                if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
                    ctx.ifunc_dynrel = True     # (a library's preemptible IFUNC: textrel_notes)
                _textrel(ctx, sec, obj, s)
            elif act == BASEREL:
                if shared and s.visibility == STV_PROTECTED and _protected_symbolic(ctx, s):
                    _need(ctx, s, NEEDS_DYNSYM)
                    rela_dyn.relocs.append(_DynReloc(R_64, sec, off, s, None, _addend(raw, rels, i)))
                else:
                    rela_dyn.relocs.append(_RelativeReloc((sec, off, s, _addend(raw, rels, i))))
                if not writable:
                    _textrel(ctx, sec, obj, s)
            elif act == ASSIGNED_REL:
                rela_dyn.relocs.append(_AssignedReloc(sec, off, s, _addend(raw, rels, i), R_RELATIVE))
                if not writable:
                    _textrel(ctx, sec, obj, s)
            continue
        if t == R_GOTPCRELX or t == R_REX_GOTPCRELX or t == R_GOTPCREL:
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.ref_strong and not s.linker_defined:
                _weak_ref(ctx, s, 0)
            if data is None:
                data = sec.data
            if pic and s.is_abs and s.rank >= COMMON and not s.script_abs and not s.linker_defined and \
                    ctx.config.relax and _at_insn(off, t, _addend(raw, rels, i)) and \
                    _abs_got_becomes_pc32(data, off, t) and \
                    not (may_be_preemptible(s, shared) and is_preemptible(ctx, s)):
                # bfd turns a GOTPCREL load into a lea and a GOTPCRELX call/jmp into a direct one,
                # PC-relative to an absolute symbol its PIC output binds: then refuses that PC32
                _err_pie_abs(obj, sec, R_PC32, s)
            if gotpcrelx_relaxable(ctx, data, off, t, s, _addend(raw, rels, i)):
                continue
            if exe and pic and s.rank == NONE and s.name == "__tls_get_addr" and not s.linker_defined:
                ctx.dead_tls_got = True     # (-fno-plt's relaxed TLS call: see passes.allocate_got_plt)
            _need(ctx, s, NEEDS_GOT | (NEEDS_DYNSYM if may_be_preemptible(s, shared)
                                       and is_preemptible(ctx, s) else 0))
            continue
        if t == R_32 or t == R_32S or t == R_16 or t == R_8:
            if not sflags & SHF_ALLOC:
                continue
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.linker_defined:
                if pic:
                    _err_pie_undefined(obj, t, s)
                elif not s.ref_strong:
                    _weak_ref(ctx, s, 2 if sflags & SHF_EXECINSTR else 1)
                continue
            if s.type == STT_GNU_IFUNC and s.rank >= COMMON and not pic:   # (PIC: the row's error, as bfd)
                _need(ctx, s, NEEDS_PLT | NEEDS_CPLT)
                continue
            # (the row does not tell PREEMPT, UNDEF and LOCAL apart: no is_preemptible call needed)
            act = abs32_row[(IMPORT if s.rank == SHARED else ASSIGNED if type(s.file) is ScriptDefs else LOCAL)
                            + (ABS_BIT if s.is_abs else 0)]
            if act == COPY_OR_CPLT and writable:
                # bfd: writable data gets a dynamic relocation, not a copy, and a 32-bit one is refused
                if not st.pde_abs32_refused:
                    st.pde_abs32_refused = True
                    _err_pde_abs32(obj, t, s)
            elif act == COPY_OR_CPLT and nocopy and s.type not in (STT_FUNC, STT_GNU_IFUNC):
                _err_nocopyreloc(ctx, obj, sec, off, t, s)
            elif act == COPY_OR_CPLT:
                _copy_or_cplt(ctx, s)
            elif act == ERROR:
                _err_pic(ctx, obj, sec, off, t, s)
            continue
        if t == R_GOTTPOFF:
            if exe and not is_preemptible(ctx, s) and not (weak_exe and s.export and s.rank >= COMMON):
                continue        # (bfd: IE -> LE unless the symbol has a dynamic index: weak_exe,
                                # a dynamic executable but a static PIE)
            _need(ctx, s, NEEDS_GOTTP | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            if shared:
                ctx.static_tls = True
            continue
        if t == R_TLSGD:
            if exe:
                if is_preemptible(ctx, s):
                    _need(ctx, s, NEEDS_GOTTP | NEEDS_DYNSYM)
                elif weak_exe and s.export and s.rank >= COMMON:
                    _need(ctx, s, NEEDS_GOTTP)      # GD -> IE: its own TLS symbol in .dynsym
                # the __tls_get_addr call is rewritten too, but its relocation is scanned all the same:
                # bfd still gives a dynamic __tls_get_addr its PLT entry (GOT slot with -fno-plt)
                continue
            _need(ctx, s, NEEDS_TLSGD | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            continue
        if t == R_TLSLD:
            if exe:
                continue
            ctx.need_tlsld = True
            continue
        if t == R_GOTPC32_TLSDESC:
            if exe:
                if is_preemptible(ctx, s):
                    _need(ctx, s, NEEDS_GOTTP | NEEDS_DYNSYM)
                elif weak_exe and s.export and s.rank >= COMMON:
                    _need(ctx, s, NEEDS_GOTTP)      # TLSDESC -> IE, as GD
                continue
            _need(ctx, s, NEEDS_TLSDESC | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            continue
        if t == R_TPOFF32:
            if shared:
                _err_pic(ctx, obj, sec, off, t, s)
            continue
        if t == R_TPOFF64:
            if shared and sflags & SHF_ALLOC:
                rela_dyn.relocs.append(_DynReloc(R_TPOFF64, sec, off,
                                               s if is_preemptible(ctx, s) else None,
                                               None if is_preemptible(ctx, s) else s, _addend(raw, rels, i)))
                ctx.static_tls = True
            continue
        if t == R_DTPOFF64 or t == R_DTPOFF32:
            # the local-dynamic model's offset of a thread-local another module defines (or none does):
            # bfd's error (-ftls-model=local-dynamic on an extern variable; braze wrote a wrong offset)
            if (s.rank == SHARED or (shared and s.rank == NONE and not s.linker_defined)) and sflags & SHF_ALLOC:
                diag.error(f"{obj.name}({sec.name}+0x{off:x}): unresolvable {rname(t)} relocation against "
                           f"symbol `{diag.demangle(_versioned_name(s))}'")
            continue
        if t == R_GOT32 or t == R_GOT64 or t == R_GOTPCREL64 or t == R_GOTPLT64:
            if weak_exe and s.rank == NONE and s.visibility == STV_DEFAULT and not s.ref_strong and not s.linker_defined:
                _weak_ref(ctx, s, 0)
            _need(ctx, s, NEEDS_GOT | (NEEDS_DYNSYM if is_preemptible(ctx, s) else 0))
            continue
        if t == R_PLTOFF64:
            if is_preemptible(ctx, s):
                _need(ctx, s, NEEDS_PLT | NEEDS_DYNSYM)
            elif exe and pic and s.rank == NONE and s.name == "__tls_get_addr" and not s.linker_defined:
                ctx.dead_tls_plt = True     # (the large model's relaxed call: as R_X86_64_PLT32's)
            continue
        if t == R_GOTOFF64:
            if pic and s.bind != STB_LOCAL and (s.rank == NONE or s.rank == SHARED) and not s.linker_defined \
                    and sflags & SHF_ALLOC:
                # bfd (relocate_section): in PIC output a GOT-relative offset must reach a definition of
                # this link; an undefined (also weak) symbol or a library's is refused
                _err_gotoff_undefined(obj, s)
            continue
        if t == R_SIZE32 or t == R_SIZE64:
            if sflags & SHF_ALLOC and shared and is_preemptible(ctx, s):
                # bfd: the size of a symbol the loader binds is the size of the definition it binds
                # (a program's larger copy of a library's array): a dynamic relocation of this type.
                _need(ctx, s, NEEDS_DYNSYM)
                rela_dyn.relocs.append(_DynReloc(t, sec, off, s, None, _addend(raw, rels, i)))
                if not writable:
                    _textrel(ctx, sec, obj, s)
            elif sflags & SHF_ALLOC and s.rank == SHARED and not shared:
                # an executable's: dynamic too, unless the symbol gets a copy relocation or a canonical
                # PLT entry (then its size is this link's): decided by finish_scan, after allocation
                _need(ctx, s, NEEDS_DYNSYM)
                st.exe_size_relocs.append((t, sec, off, s, _addend(raw, rels, i)))
            continue
        if t in (R_GOTPC32, R_GOTPC64, R_GOTOFF64, R_TLSDESC_CALL, R_NONE):
            continue
        raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): unsupported relocation type {t}")


_IFUNC_GOT_LOADS = (R_GOTPCREL, R_GOTPCRELX, R_REX_GOTPCRELX, R_GOTPCREL64)


def _scan_ifunc(st: _ScanState, obj, sec: InputSection, t: int, s: Symbol, addend: int) -> bool:
    """bfd's rules for a relocation against an IFUNC the output defines: it resolves only the GOT
    loads and the references that can take the PLT entry's address (PC32, PC64, PLT32, 32, 32S, and
    64 without an addend); the others are errors (False: reported, skip the relocation).  Only a
    reference from code or read-only data (or PLT32) gives the IFUNC its PLT entry: in an executable a
    PC32/PC64/32 one from writable data needs another reference's (checked by finish_scan), a 64 one
    becomes an IRELATIVE pointer."""
    if t in _IFUNC_GOT_LOADS:
        return True
    flags = sec.flags
    plt_ref = bool(flags & SHF_EXECINSTR or not flags & SHF_WRITE)
    if t == R_64:
        if addend:
            diag.error(f"{obj.name}: relocation {rname(t)} against STT_GNU_IFUNC symbol "
                       f"`{diag.demangle(s.name)}' has non-zero addend: {addend}")
            return False
    elif t == R_PC32 or t == R_PC64 or t == R_32 or t == R_32S:
        if st.pic and t != R_PC32 and t != R_PC64:
            return True         # (bfd's "recompile with -fPIC" error first: the R_32 scan's)
        if not plt_ref and not st.shared:
            st.ifunc_wants_plt.append((obj, t, s))
        if not st.shared and s.bind != STB_LOCAL:     # (a local IFUNC is not a symbol bfd adjusts)
            st.ifunc_addr_taken = True
    elif t == R_PLT32:
        plt_ref = True
    elif (t == R_16 or t == R_8) and st.pic:
        return True             # (as R_32)
    else:
        _err_ifunc(obj, t, s)
        return False
    if plt_ref:
        st.ifunc_plt.add(id(s))
    return True


def _got_load_slot(ctx, s: Symbol) -> int:
    """The word a GOTPCREL load of `s` reads: its .got slot, or for an IFUNC that bfd reaches through
    its PLT entry's .got.plt word (Target.ifunc_got_via_gotplt: no .got slot of its own) that word."""
    if s.got_idx < 0 and s.iplt_idx >= 0:
        return ctx.syn.gotplt.iplt_slot(s.iplt_idx)
    return ctx.syn.got.slot_addr(s.got_idx)


def _err_ifunc(obj, t: int, s: Symbol) -> None:
    diag.error(f"{obj.name}: relocation {rname(t)} against STT_GNU_IFUNC symbol `{diag.demangle(s.name)}' "
               f"isn't supported")


def finish_scan(ctx) -> None:
    """An executable's SIZE relocations against library symbols that stay dynamic (bfd: those with no
    copy relocation or canonical PLT entry, known only after allocation); bfd's error for a reference
    to an IFUNC from an executable's writable data that no other reference gives a PLT entry
    (_scan_ifunc)."""
    st: _ScanState | None = getattr(ctx, "x86_scan", None)
    if st is not None and st.exe_size_relocs:
        relocs = ctx.syn.rela_dyn.relocs
        for t, sec, off, s, addend in st.exe_size_relocs:
            if not (s.copyrel or s.canonical_plt):
                relocs.append(_DynReloc(t, sec, off, s, None, addend))
                _textrel(ctx, sec, sec.file, s)
        diag.check_errors()
    if st is not None and st.ifunc_wants_plt:
        for obj, t, s in st.ifunc_wants_plt:
            if id(s) not in st.ifunc_plt:
                _err_ifunc(obj, t, s)
        diag.check_errors()


def _weak_ref(ctx, s, kind):
    """Record how an executable refers to an undefined weak symbol (kind 0: GOT/PLT, 1: data,
    2: absolute/PC-relative from code); finish_weak_undefined decides once all are seen."""
    st = ctx.weak_refs.get(id(s))
    if st is None:
        st = ctx.weak_refs[id(s)] = [s, 1]
    if kind == 0:
        st[1] &= 2
    elif kind == 2:
        st[1] |= 2


def finish_weak_undefined(ctx) -> None:
    """bfd's x86-64 rule for an executable's undefined weak symbols: resolved to 0 (no PLT entry, no
    GOT relocation, no .dynsym entry) unless only GOT/PLT references or data pointers name it, and
    always under -z nodynamic-undefined-weak; -z dynamic-undefined-weak gives every referenced one a
    .dynsym entry even so. A data pointer gets R_X86_64_64 in a PIE when the symbol stays dynamic; a
    non-PIE gets the R_X86_64_NONE bfd leaves in the slot it reserved for it."""
    cfg = ctx.config
    dyn_weak = False if cfg.no_dynamic_linker else cfg.dynamic_undefined_weak   # (no loader to bind them)
    zero = ctx.weak_zero
    for s, state in ctx.weak_refs.values():
        if s.rank != NONE or s.ref_strong:
            continue
        if dyn_weak is False or state:
            zero.add(id(s))
            s.needs &= ~(NEEDS_PLT | NEEDS_CPLT | NEEDS_DYNSYM)
            if dyn_weak:
                _need(ctx, s, NEEDS_DYNSYM)
    rela_dyn = ctx.syn.rela_dyn
    for sec, off, s, addend in ctx.weak_data_relocs:
        if s.rank != NONE or s.ref_strong:
            continue
        if id(s) not in zero:
            _need(ctx, s, NEEDS_DYNSYM)
            if cfg.pic:
                rela_dyn.relocs.append(_DynReloc(R_64, sec, off, s, None, addend))
                _textrel(ctx, sec, sec.file, s)
            else:
                rela_dyn.relocs.append(_NoneReloc())
        elif dyn_weak and not cfg.pic:
            rela_dyn.relocs.append(_NoneReloc())


def _err_pie_abs(obj, sec, t, s):
    """bfd: PIC output may not reach an absolute symbol it binds (an object's local one, or a global one
    not preemptible there) but through R_X86_64_64/32/32S/16/8 and GOTPCREL(X) (its
    _bfd_elf_x86_valid_reloc_p): not PC-relatively (the image moves, the value does not), nor relative
    to the GOT, nor by GOT32/GOT64/GOTPCREL64/GOTPLT64, SIZE, TLS or NONE; a linker-script or --defsym
    assignment's symbol is exempt (bfd treats it as the image's, relaxing and relocating it with the
    rest)."""
    diag.error(f"{obj.name}: relocation {rname(t)} against absolute symbol `{diag.demangle(s.name)}' in "
               f"section `{sec.name}' is disallowed")


def _err_gotoff_undefined(obj, s):
    """bfd's wording (a PIE's too is "a shared object")."""
    diag.error(f"{obj.name}: relocation R_X86_64_GOTOFF64 against undefined {_VIS_WORD[s.visibility]}symbol "
               f"`{diag.demangle(s.name)}' can not be used when making a shared object")


def _err_pie_undefined(obj, t, s):
    diag.error(f"{obj.name}: relocation {rname(t)} against undefined symbol `{diag.demangle(s.name)}' "
               f"can not be used when making a PIE object; recompile with -fPIE")


_W = {R_64: 8, R_PC64: 8, R_GOTOFF64: 8, R_GOT64: 8, R_GOTPCREL64: 8, R_GOTPC64: 8, R_PLTOFF64: 8,
      R_SIZE64: 8, R_DTPOFF64: 8, R_TPOFF64: 8, R_16: 2, R_PC16: 2, R_8: 1, R_PC8: 1, R_NONE: 0,
      R_TLSDESC_CALL: 0, R_GOTPLT64: 8}


def _width(t: int) -> int:
    return _W.get(t, 4)


# ---- relocatable output (-r, --emit-relocs; see relocatable.py) ------------------------------
def reloc_field_width(t: int) -> int:
    """Bytes of the field a relocation of type t writes (cleared when its target was discarded)."""
    return _W.get(t, 4)


EMIT_RELAXABLE = frozenset((R_GOTPCRELX, R_REX_GOTPCRELX))


def emitted_reloc(t: int, addend: int, before, after, off: int, pos: int) -> tuple[int, int, int]:
    """--emit-relocs: (type, addend, offset change) bfd writes for a GOTPCRELX relocation at input
    offset off (before: the input section's bytes) whose instruction now sits at file offset pos of
    `after`: unchanged when not relaxed; PC32 for lea and `addr32 call`; PC32 one byte earlier for
    `jmp rel32; nop`; for the imm32 forms (mov $, test $, binop $) R_X86_64_32S with REX.W, else
    R_X86_64_32, and addend 0 (bfd's "no addend")."""
    if off < 2 or before[off - 2] == after[pos - 2] and before[off - 1] == after[pos - 1]:
        return t, addend, 0
    op = after[pos - 2]
    if op in (0xc7, 0xf7, 0x81):
        rexw = t == R_REX_GOTPCRELX and off >= 3 and before[off - 3] & 0x48 == 0x48
        return (R_32S if rexw else R_32), 0, 0
    if before[off - 2] == 0xff and before[off - 1] == 0x25 and op == 0xe9:
        return R_PC32, addend, -1          # jmp *foo@GOTPCREL(%rip) -> jmp foo; nop
    if before[off - 2] == 0xff and before[off - 1] == 0x15 and op == 0xe8:
        return R_PC32, addend, -1          # -z call-nop=suffix-*: call foo; <pad>
    return R_PC32, addend, 0


# ---------------------------------------------------------------- apply

_pack_i32: Final = struct.Struct("<i").pack_into
_pack_u32: Final = struct.Struct("<I").pack_into
_pack_q: Final = struct.Struct("<q").pack_into
_pack_Q: Final = struct.Struct("<Q").pack_into


def _corrupt_reloc(obj, sec, rels, i: int) -> None:
    """The error for rels[i], whose value no field holds (a huge addend) or whose symbol index the scan
    never saw (only allocated sections are scanned): a corrupt input can still get that far."""
    if i < 0 or i >= len(rels):
        raise LinkError(f"{obj.name}:({sec.name}): corrupt relocations")
    off, info, _a = rels[i]
    idx = info >> 32
    if idx >= len(obj.syms):
        what = f"refers to symbol index {idx} beyond the symbol table ({len(obj.syms)} entries)"
    elif off + _width(info & 0xffffffff) > sec.size and not sec.is_eh_frame:
        what = f"is outside the section (size 0x{sec.size:x})"
    else:
        what = "has a value that does not fit its field"
    raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): relocation "
                    f"{rname(info & 0xffffffff)} {what}")


def apply_relocs(ctx, obj, sec: InputSection, rels: list[tuple[int, int, int]] | None, buf: Any,
                 base_off: int, base_addr: int) -> None:
    """Write relocated values for `rels` (offsets relative to base) into buf.

    The common types (PC32, PLT32, 64, 32, 32S) against symbols whose address needs no per-relocation
    decision take a short path through the object's RelocValues; so do 64/32 in non-allocated (debug)
    sections against merged-string and discarded sections; everything else goes to _apply_general.
    A value no field holds ends the link with an error naming the relocation (_corrupt_reloc): the
    handler is around the loop, not in it, so it costs the loop nothing, compiled or not.
    rels None: the section's own relocations, read from their bytes (no tuple per relocation) unless
    InputSection.relocs already holds them as a list."""
    rels, raw, n = _rela_source(sec, rels)
    use_raw: bool = rels is None
    rl: list[tuple[int, int, int]] = rels if rels is not None else _NO_RELS   # (indexed natively)
    rr: Any = None          # the relocations as a sequence, for the rare paths that index entries
    rv: RelocValues = _reloc_values(ctx, obj)
    kind: list[int] = rv.kind
    sv: list[int] = rv.sv
    pv: list[int] = rv.pv
    mstarts: list[list[int]] = rv.mstarts
    mouts: list[list[int]] = rv.mouts
    nk: int = len(kind)
    alloc: bool = bool(sec.flags & SHF_ALLOC)
    discarded_value: int = _discarded_value(sec)
    pack_i32 = _pack_i32
    skip = -1
    i = -1
    v: int
    off: int
    t: int
    idx: int
    A: int
    p: i64
    k: int
    x: i64
    hi: int
    S: int
    try:
        for i in range(n):
            if i == skip:
                continue
            if use_raw:
                p = i * 24      # Elf64_Rela, little-endian, decoded inline (x: i64, native shifts)
                x = raw[p + 3]
                x = x << 8 | raw[p + 2]
                x = x << 8 | raw[p + 1]
                x = x << 8 | raw[p]
                if raw[p + 4] | raw[p + 5] | raw[p + 6] | raw[p + 7]:
                    off = _u64(raw, p)
                else:
                    off = int(x)    # (int(): no int | i64 union, whose operations are generic)
                t = raw[p + 8]
                if raw[p + 9] | raw[p + 10] | raw[p + 11]:
                    t = _u32(raw, p + 8)
                x = raw[p + 15]
                x = x << 8 | raw[p + 14]
                x = x << 8 | raw[p + 13]
                x = x << 8 | raw[p + 12]
                idx = int(x)
                x = raw[p + 19]
                x = x << 8 | raw[p + 18]
                x = x << 8 | raw[p + 17]
                x = x << 8 | raw[p + 16]
                hi = raw[p + 20] | raw[p + 21] | raw[p + 22] | raw[p + 23]
                if hi == 0:
                    A = int(x)
                elif raw[p + 20] & raw[p + 21] & raw[p + 22] & raw[p + 23] == 0xff:
                    A = int(x) - 0x100000000
                else:
                    A = _s64(raw, p + 16)
            else:
                off, info, A = rl[i]
                t = info & 0xffffffff
                idx = info >> 32
            if idx < nk:
                k = kind[idx]
                if k == _K_NEW:
                    k = _fill_values(ctx, obj, idx, rv)
                if t == R_PLT32 or t == R_PC32:
                    if t == R_PLT32 and k & _K_PLT:
                        S = pv[idx]
                    elif k & 7 == _K_VAL:
                        S = sv[idx]
                    elif k == _K_MERGE:         # (string literals: the piece at value + A, as bfd)
                        S = _merged_addr(sv[idx], mstarts[idx], mouts[idx], pv[idx] + A)
                        A = 0
                    else:
                        S = -1
                        k = -1
                    if k >= 0:
                        v = S + A - base_addr - off
                        if -0x80000000 <= v <= 0x7fffffff:
                            pack_i32(buf, base_off + off, v)
                            continue
                elif t == R_64 or t == R_32 or t == R_32S:
                    k &= 7
                    if k == _K_VAL:
                        v = sv[idx] + A
                    elif k == _K_MERGE:         # the piece at value + A of a merged section
                        v = _merged_addr(sv[idx], mstarts[idx], mouts[idx], pv[idx] + A)
                    elif k == _K_DISC and not alloc and t != R_32S:
                        v = discarded_value         # bfd's tombstone for debug info of discarded code
                    else:
                        k = -1
                        v = 0
                    if k >= 0:
                        if t == R_64:
                            if v < 0:           # (no mask on the common path: 2**64 - 1 is not a native int)
                                v += 0x10000000000000000
                            elif v >> 64:
                                v &= 0xffffffffffffffff
                            _pack_Q(buf, base_off + off, v)
                            continue
                        if t == R_32:
                            if 0 <= v <= 0xffffffff:
                                _pack_u32(buf, base_off + off, v)
                                continue
                        elif -0x80000000 <= v <= 0x7fffffff:
                            pack_i32(buf, base_off + off, v)
                            continue
            if rr is None:
                rr = RawRelas(raw) if use_raw else rels
            if _apply_general(ctx, obj, sec, rr, i, buf, base_off, base_addr):
                skip = i + 1

    except (StructError, IndexError, OverflowError):
        _corrupt_reloc(obj, sec, RawRelas(raw) if use_raw else rels, i)


def apply_listed(ctx, obj, sec, idxs: list[int], buf: Any, base_off: int, base_addr: int) -> None:
    """The general path for the relocations x86_64_fast left (their indices in the section's own
    relocations, none a TLS GD/LD one), with apply_relocs' handling of values no field holds."""
    rr = RawRelas(rela_bytes(sec))
    i = -1
    try:
        for i in idxs:
            _apply_general(ctx, obj, sec, rr, i, buf, base_off, base_addr)
    except (StructError, IndexError, OverflowError):
        _corrupt_reloc(obj, sec, rr, i)


def apply_jobs(ctx, buf: Any, jobs: list[tuple[Any, int, int]]) -> None:
    """writer.py's jobs: each input section's relocations, read from their bytes.  A link with many
    relocations has them applied by x86_64_fast.py (native byte stores, in mypy's runtime library,
    whose import a small link does not pay for)."""
    if many_relocations(jobs):
        from . import x86_64_fast
        if x86_64_fast.HAVE_WRITER:
            x86_64_fast.apply_jobs(ctx, buf, jobs)
            return
    for m, off, addr in jobs:
        apply_relocs(ctx, m.file, m, None, buf, off, addr)



def _apply_general(ctx, obj, sec, rels, i, buf, base_off, base_addr) -> bool:
    """Apply rels[i] by the full rules; True when it also consumed rels[i + 1] (TLS GD/LD relaxations)."""
    syms = obj.syms
    cfg = ctx.config
    shared = cfg.shared
    exe = not shared
    alloc = bool(sec.flags & SHF_ALLOC)
    is_code = bool(sec.flags & SHF_EXECINSTR)
    syn = ctx.syn
    got = syn.got
    GOT = ctx.got_base
    tp = ctx.tp
    tls_start = ctx.tls_start
    off, info, A = rels[i]
    t = info & 0xffffffff
    s: Symbol | None = syms[info >> 32]
    if s is None:
        s = local_sym(obj, info >> 32)
    loc = base_off + off
    P = base_addr + off
    sec_s = s.section
    if sec_s is not None and type(sec_s) is InputSection and sec_s.merge is not None \
            and s.type == STT_SECTION:
        m = sec_s.merge
        S = m[0].addr + merged_offset(m, s.value + A)
        A = 0
    else:
        S = sym_addr(ctx, s)
        if sec_s is not None and type(sec_s) is InputSection and sec_s.out is None and not alloc \
                and sec_s.merge is None:
            # debug info pointing into discarded code
            if t == R_64 or t == R_32 or t == R_DTPOFF32 or t == R_DTPOFF64:
                S = _discarded_value(sec)
                A = 0
    if t == R_PC32 or t == R_PLT32:
        if t == R_PLT32 or s.canonical_plt or s.type == STT_GNU_IFUNC:
            if has_plt(s):
                S = plt_addr(ctx, s)
        v = S + A - P
        if not -(1 << 63) <= v < 1 << 63:
            # bfd's 64-bit arithmetic: a symbol at the top (a script's `neg = -N`) is near code at the
            # bottom, and 0 (an undefined weak, an absolute symbol) near code at the top
            v = ((v + (1 << 63)) & 0xffffffffffffffff) - (1 << 63)
        if -0x80000000 <= v <= 0x7fffffff:
            _pack_i32(buf, loc, v)
        else:
            _overflow(obj, sec, off, t, s, v)
    elif t == R_64:
        if not alloc:
            _pack_Q(buf, loc, (S + A) & 0xffffffffffffffff)
            return False
        if s.type == STT_GNU_IFUNC and s.rank >= COMMON:
            if has_plt(s):
                S = plt_addr(ctx, s)
            elif not ctx.config.pic and sec.flags & SHF_WRITE and not is_code:
                return False        # an IRELATIVE relocation fills it (bfd leaves the input's bytes)
        _pack_Q(buf, loc, (S + A) & 0xffffffffffffffff)
    elif t == R_REX_GOTPCRELX or t == R_GOTPCRELX or t == R_GOTPCREL:
        if gotpcrelx_relaxable(ctx, sec.data, off, t, s, A):
            # per reference, like bfd: a GOT slot other references need does not stop this one
            if not _relax_gotpcrelx(ctx, buf, loc, t, S, A, P, gotpcrelx_imm(ctx, s)):
                diag.error(f"{obj.name}:({sec.name}+0x{off:x}): failed to convert GOTPCREL relocation "
                           f"against `{diag.demangle(s.name)}'; relink with --no-relax")
        else:
            v = _got_load_slot(ctx, s) + A - P
            _check32s(obj, sec, off, t, s, v)
            _pack_i32(buf, loc, v)
    elif t == R_32 or t == R_32S:
        if s.canonical_plt or (s.type == STT_GNU_IFUNC and has_plt(s)):
            S = plt_addr(ctx, s)
        v = S + A
        if t == R_32:
            if 0 <= v <= 0xffffffff:
                _pack_u32(buf, loc, v)
            else:
                _overflow(obj, sec, off, t, s, v)
        else:
            if v >= 1 << 63:        # a 64-bit address in the top half (-mcmodel=kernel): negative
                v -= 1 << 64
            if -0x80000000 <= v <= 0x7fffffff:
                _pack_i32(buf, loc, v)
            else:
                _overflow(obj, sec, off, t, s, v)
    elif t == R_GOTTPOFF:
        if s.gottp_idx >= 0:
            v = got.slot_addr(s.gottp_idx) + A - P
            _pack_i32(buf, loc, v)
        else:
            _relax_ie_le(obj, sec, off, buf, loc, S - tp)
    elif t == R_TPOFF32:
        _pack_i32(buf, loc, S + A - tp)
    elif t == R_TLSGD:
        if exe:
            _relax_gd(ctx, obj, sec, off, buf, loc, s, S, P, rels, i + 1)
            return True
        else:
            _pack_i32(buf, loc, got.slot_addr(s.tlsgd_idx) + A - P)
    elif t == R_TLSLD:
        if exe:
            _relax_ld(obj, sec, off, buf, loc, rels, i + 1)
            return True
        else:
            _pack_i32(buf, loc, got.slot_addr(got.tlsld_idx) + A - P)
    elif t == R_DTPOFF32:
        if exe and is_code:
            _pack_i32(buf, loc, S + A - tp)
        else:
            _pack_i32(buf, loc, S + A - tls_start)
    elif t == R_DTPOFF64:
        if exe and is_code:
            _pack_q(buf, loc, S + A - tp)
        else:
            _pack_q(buf, loc, S + A - tls_start)
    elif t == R_TPOFF64:
        _pack_q(buf, loc, S + A - tp)
    elif t == R_GOTPC32_TLSDESC:
        if exe:
            if s.gottp_idx >= 0:
                _relax_tlsdesc_ie(obj, sec, off, buf, loc, got.slot_addr(s.gottp_idx) + A - P)
            else:
                _relax_tlsdesc_le(obj, sec, off, buf, loc, S - tp)
        else:
            _pack_i32(buf, loc, ctx.syn.gotplt.tlsdesc_slot(s.tlsdesc_idx) + A - P)
    elif t == R_TLSDESC_CALL:
        if exe:
            if bytes(buf[loc:loc + 2]) != b"\xff\x10":
                raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): unexpected instruction at "
                                f"R_X86_64_TLSDESC_CALL")
            buf[loc:loc + 2] = b"\x66\x90"
    elif t == R_PC64:
        if has_plt(s) and (s.canonical_plt or s.type == STT_GNU_IFUNC):
            S = plt_addr(ctx, s)
        _pack_q(buf, loc, S + A - P)
    elif t == R_GOTPC32:
        _pack_i32(buf, loc, GOT + A - P)
    elif t == R_GOTPC64:
        _pack_q(buf, loc, GOT + A - P)
    elif t == R_GOTOFF64:
        _pack_q(buf, loc, S + A - GOT)
    elif t == R_GOT64 or t == R_GOTPLT64:
        _pack_q(buf, loc, got.slot_addr(s.got_idx) - GOT + A)
    elif t == R_GOT32:
        _pack_i32(buf, loc, got.slot_addr(s.got_idx) - GOT + A)
    elif t == R_GOTPCREL64:
        _pack_q(buf, loc, _got_load_slot(ctx, s) + A - P)
    elif t == R_PLTOFF64:
        if has_plt(s):
            S = plt_addr(ctx, s)
        _pack_q(buf, loc, S + A - GOT)
    elif t == R_SIZE32:
        _pack_u32(buf, loc, (s.size + A) & 0xffffffff)
    elif t == R_SIZE64:
        _pack_Q(buf, loc, (s.size + A) & 0xffffffffffffffff)
    elif t == R_16:
        v = S + A
        if -0x10000 <= v <= 0xffff:
            struct.pack_into("<H", buf, loc, v & 0xffff)
        else:
            _overflow(obj, sec, off, t, s, v)
    elif (t == R_PC16 or t == R_PC8) and ctx.config.shared and s.type != STT_GNU_IFUNC and \
            (s.rank == SHARED or is_preemptible(ctx, s)):
        pass        # (a dynamic relocation of its own: the word keeps the input's bytes, as in bfd)
    elif t == R_PC16:
        v = S + A - P
        if -0x10000 <= v <= 0xffff:
            struct.pack_into("<H", buf, loc, v & 0xffff)
        else:
            _overflow(obj, sec, off, t, s, v)
    elif t == R_8:
        v = S + A
        if -0x100 <= v <= 0xff:
            buf[loc] = v & 0xff
        else:
            _overflow(obj, sec, off, t, s, v)
    elif t == R_PC8:
        v = S + A - P
        if -0x80 <= v <= 0x7f:
            buf[loc] = v & 0xff
        else:
            _overflow(obj, sec, off, t, s, v)
    elif t == R_NONE:
        pass
    else:
        raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): unsupported relocation type {t}")
    return False


def _overflow(obj, sec, off, t, s, v):
    diag.error(f"{obj.name}:({sec.name}+0x{off:x}): relocation {rname(t)} out of range: {v} is not in "
               f"the field's range; references `{diag.demangle(s.name)}'")


def _check32s(obj, sec, off, t, s, v):
    if not -0x80000000 <= v <= 0x7fffffff:
        _overflow(obj, sec, off, t, s, v)


def _rel32(v: int) -> int | None:
    """A converted reference's PC-relative displacement as bfd computes it (64-bit address arithmetic:
    an absolute value near 2**64, a negative script symbol's, reaches the image by wrapping), or None
    when it does not fit the 32-bit field."""
    v = ((v + (1 << 63)) & 0xffffffffffffffff) - (1 << 63)
    return v if -0x80000000 <= v <= 0x7fffffff else None


def _relax_gotpcrelx(ctx, buf, loc, t, S, A, P, is_abs) -> bool:
    """False when the rewritten instruction cannot hold the value: a test/binop form's absolute address
    that does not fit its imm32, a displacement out of the lea/call/jmp's reach (bfd converts first and
    then fails the link: 'failed to convert GOTPCREL relocation')."""
    op = buf[loc - 2]
    if op == 0x8b or op in _GOTX_BINOPS:
        if t != R_GOTPCREL and (not ctx.config.pic or is_abs):
            # non-PIC, or an absolute symbol: the address itself as imm32 (bfd: mov -> c7 /0, test -> f7 /0, binop -> 81 /n),
            # sign-extended under REX.W, zero-extended otherwise; the register moves from ModRM.reg
            # to ModRM.rm, so REX.R becomes REX.B
            rex = buf[loc - 3] if t == R_REX_GOTPCRELX and 0x40 <= buf[loc - 3] <= 0x4f else 0
            v = S          # bfd drops the addend: it only carried the -4 of the PC-relative form
            if _imm32_fits(rex, v):
                reg = (buf[loc - 1] >> 3) & 7
                if rex & 4:
                    buf[loc - 3] = (rex & ~4) | 1
                if op == 0x8b:
                    buf[loc - 2], buf[loc - 1] = 0xc7, 0xc0 | reg
                elif op == 0x85:
                    buf[loc - 2], buf[loc - 1] = 0xf7, 0xc0 | reg
                else:
                    buf[loc - 2], buf[loc - 1] = 0x81, 0xc0 | (op & 0x38) | reg
                _pack_u32(buf, loc, v & 0xffffffff)
                return True
            if op != 0x8b:
                return False
        # mov foo@GOTPCREL(%rip), %reg  ->  lea foo(%rip), %reg
        v = _rel32(S + A - P)
        if v is None:
            return False
        buf[loc - 2] = 0x8d
        _pack_i32(buf, loc, v)
    elif buf[loc - 1] == 0x15:     # call *foo@GOTPCREL(%rip)  ->  addr32 call foo (-z call-nop= other padding)
        suffix, pad = ctx.config.call_nop
        v = _rel32(S + A - (P - 1) if suffix else S + A - P)
        if v is None:
            return False
        if suffix:                 # call foo; <pad>
            buf[loc - 2] = 0xe8
            _pack_i32(buf, loc - 1, v)
            buf[loc + 3] = pad
        else:
            buf[loc - 2] = pad
            buf[loc - 1] = 0xe8
            _pack_i32(buf, loc, v)
    else:                          # jmp *foo@GOTPCREL(%rip)  ->  jmp foo; nop
        v = _rel32(S + A - (P - 1))
        if v is None:
            return False
        buf[loc - 2] = 0xe9
        _pack_i32(buf, loc - 1, v)
        buf[loc + 3] = 0x90
    return True


def _tls_fail(obj, sec, off, what):
    raise LinkError(f"{obj.name}:({sec.name}+0x{off:x}): TLS transition from {what} failed: "
                    f"unexpected instruction sequence")


def _relax_ie_le(obj, sec, off, buf, loc, tpoff):
    rex, op, modrm = buf[loc - 3], buf[loc - 2], buf[loc - 1]
    if rex not in (0x48, 0x4c) or (modrm & 0xc7) != 0x05:
        _tls_fail(obj, sec, off, "R_X86_64_GOTTPOFF to R_X86_64_TPOFF32")
    reg = (modrm >> 3) & 7
    if op == 0x8b:      # movq x@gottpoff(%rip),%reg -> movq $tpoff,%reg
        buf[loc - 3] = 0x49 if rex == 0x4c else 0x48
        buf[loc - 2] = 0xc7
        buf[loc - 1] = 0xc0 | reg
    elif op == 0x03:    # addq x@gottpoff(%rip),%reg -> leaq tpoff(%reg),%reg / addq $tpoff,%reg
        if reg == 4:
            buf[loc - 3] = 0x49 if rex == 0x4c else 0x48
            buf[loc - 2] = 0x81
            buf[loc - 1] = 0xc0 | reg
        else:
            buf[loc - 3] = 0x4d if rex == 0x4c else 0x48
            buf[loc - 2] = 0x8d
            buf[loc - 1] = 0x80 | (reg << 3) | reg
    else:
        _tls_fail(obj, sec, off, "R_X86_64_GOTTPOFF to R_X86_64_TPOFF32")
    _pack_i32(buf, loc, tpoff)


_GD_PREFIX = b"\x66\x48\x8d\x3d"
_FS0 = b"\x64\x48\x8b\x04\x25\x00\x00\x00\x00"
_NOPW6 = b"\x66\x0f\x1f\x44\x00\x00"                             # nopw 0x0(%rax,%rax,1)
_LD_LARGE_LE = b"\x66\x66\x66\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00" + _FS0   # data16 x3 cs nopw; mov %fs:0


def _large_tls_call(sec, off, buf, loc, rels, i) -> bool:
    """Is the __tls_get_addr call after the lea at `off` the -mcmodel=large form (psABI, bfd)?
        movabs $__tls_get_addr@PLTOFF,%rax (R_X86_64_PLTOFF64); add %rbx|%r15,%rax; call *%rax
    The whole sequence with its `leaq x@tlsgd/tlsld(%rip),%rdi` (no data16 prefix) is 22 bytes."""
    if bytes(buf[loc + 4:loc + 6]) != b"\x48\xb8" or off < 3 or off + 19 > sec.size:
        return False
    if buf[loc + 15] != 0x01 or bytes(buf[loc + 17:loc + 19]) != b"\xff\xd0" or \
            (buf[loc + 14], buf[loc + 16]) not in ((0x48, 0xd8), (0x4c, 0xf8)):
        return False
    return i < len(rels) and rels[i][0] == off + 6 and rels[i][1] & 0xffffffff == R_PLTOFF64 and \
        bytes(buf[loc - 3:loc]) == b"\x48\x8d\x3d"


def _relax_gd(ctx, obj, sec, off, buf, loc, s, S, P, rels, i):
    large = _large_tls_call(sec, off, buf, loc, rels, i)
    if large:
        start = loc - 3
    else:
        start = loc - 4
        nxt = bytes(buf[loc + 4:loc + 8])
        if bytes(buf[start:loc]) != _GD_PREFIX or i >= len(rels) or \
                nxt not in (b"\x66\x66\x48\xe8", b"\x66\x48\xff\x15"):
            _tls_fail(obj, sec, off, "R_X86_64_TLSGD to R_X86_64_TPOFF32")
    # the 16-byte form becomes two instructions; the 22-byte large form the same two plus a 6-byte nop
    tail = _NOPW6 if large else b""
    if s.gottp_idx >= 0:            # GD -> IE
        slot = ctx.syn.got.slot_addr(s.gottp_idx)
        buf[start:start + 12] = _FS0 + b"\x48\x03\x05"
        _pack_i32(buf, start + 12, slot - (P + start + 16 - loc))
    else:                           # GD -> LE
        buf[start:start + 12] = _FS0 + b"\x48\x8d\x80"
        _pack_i32(buf, start + 12, S - ctx.tp)
    buf[start + 16:start + 16 + len(tail)] = tail


def _relax_ld(obj, sec, off, buf, loc, rels, i):
    start = loc - 3
    if bytes(buf[start:loc]) != b"\x48\x8d\x3d" or i >= len(rels):
        _tls_fail(obj, sec, off, "R_X86_64_TLSLD to R_X86_64_TPOFF32")
    if buf[loc + 4] == 0xe8:
        buf[start:start + 12] = b"\x66\x66\x66" + _FS0
    elif bytes(buf[loc + 4:loc + 6]) == b"\xff\x15":
        buf[start:start + 13] = b"\x66\x66\x66\x66" + _FS0
    elif _large_tls_call(sec, off, buf, loc, rels, i):
        buf[start:start + 22] = _LD_LARGE_LE
    else:
        _tls_fail(obj, sec, off, "R_X86_64_TLSLD to R_X86_64_TPOFF32")


def _relax_tlsdesc_le(obj, sec, off, buf, loc, tpoff):
    rex, op, modrm = buf[loc - 3], buf[loc - 2], buf[loc - 1]
    if rex not in (0x48, 0x4c) or op != 0x8d or (modrm & 0xc7) != 0x05:
        _tls_fail(obj, sec, off, "R_X86_64_GOTPC32_TLSDESC to R_X86_64_TPOFF32")
    reg = (modrm >> 3) & 7
    buf[loc - 3] = 0x49 if rex == 0x4c else 0x48
    buf[loc - 2] = 0xc7
    buf[loc - 1] = 0xc0 | reg
    _pack_i32(buf, loc, tpoff)


def _relax_tlsdesc_ie(obj, sec, off, buf, loc, v):
    if buf[loc - 2] != 0x8d:
        _tls_fail(obj, sec, off, "R_X86_64_GOTPC32_TLSDESC to R_X86_64_GOTTPOFF")
    buf[loc - 2] = 0x8b
    _pack_i32(buf, loc, v)


# ---------------------------------------------------------------- --lib-main entry code

def _pc32(code: bytearray, rel: list, sym: int, addend: int) -> None:
    """The 4-byte field just emitted is PC-relative to `sym + addend`."""
    rel.append((len(code) - 4, R_PC32, sym, addend - 4))


def _plt32(code: bytearray, rel: list, sym: int) -> None:
    rel.append((len(code) - 4, R_PLT32, sym, -4))


def _lib_main_code(msg_len: int):
    """x86-64 code of `_rt0_amd64_linux_lib(argc, argv, envp)` and of the thread's start routine.
    Returns (bytes, relocations against: 1=.bss, 2=.rodata, and the globals' indices)."""
    code = bytearray()
    rel: list[tuple[int, int, int, int]] = []
    BSS, RODATA, PTHREAD_CREATE, PTHREAD_DETACH, MAIN = 1, 2, 5, 6, 7
    code.extend(b"\xf3\x0f\x1e\xfa")                                   # endbr64
    code.extend(b"\x53")                                               # push %rbx          (16-byte aligned stack)
    code.extend(b"\x48\x83\xec\x10")                                   # sub $16,%rsp       (room for the pthread_t)
    code.extend(b"\x48\x63\xff")                                       # movslq %edi,%rdi
    code.extend(b"\x48\x89\x3d\0\0\0\0"); _pc32(code, rel, BSS, 0)     # mov %rdi,argc
    code.extend(b"\x48\x89\x35\0\0\0\0"); _pc32(code, rel, BSS, 8)     # mov %rsi,argv
    code.extend(b"\x48\x89\x15\0\0\0\0"); _pc32(code, rel, BSS, 16)    # mov %rdx,envp
    code.extend(b"\x48\x89\xe7")                                       # mov %rsp,%rdi      (&thread)
    code.extend(b"\x31\xf6")                                           # xor %esi,%esi      (attr = NULL)
    code.extend(b"\x48\x8d\x15")                                       # lea start(%rip),%rdx
    lea_at = len(code)
    code.extend(b"\0\0\0\0")
    code.extend(b"\x31\xc9")                                           # xor %ecx,%ecx      (arg = NULL)
    code.extend(b"\xe8\0\0\0\0"); _plt32(code, rel, PTHREAD_CREATE)    # call pthread_create
    code.extend(b"\x85\xc0")                                           # test %eax,%eax
    code.extend(b"\x75\x0b")                                           # jnz fail
    code.extend(b"\x48\x8b\x3c\x24")                                   # mov (%rsp),%rdi
    code.extend(b"\xe8\0\0\0\0"); _plt32(code, rel, PTHREAD_DETACH)    # call pthread_detach
    code.extend(b"\xeb\x18")                                           # jmp done
    # fail: write(2, msg, len) as a raw system call: no further libc dependency
    code.extend(b"\xb8\x01\0\0\0")                                     # mov $1,%eax        (SYS_write)
    code.extend(b"\xbf\x02\0\0\0")                                     # mov $2,%edi
    code.extend(b"\x48\x8d\x35\0\0\0\0"); _pc32(code, rel, RODATA, 0)  # lea msg(%rip),%rsi
    code.extend(b"\xba" + struct.pack("<I", msg_len))                  # mov $len,%edx
    code.extend(b"\x0f\x05")                                           # syscall
    # done:
    code.extend(b"\x48\x83\xc4\x10")                                   # add $16,%rsp
    code.extend(b"\x5b")                                               # pop %rbx
    code.extend(b"\xc3")                                               # ret
    entry_size = len(code)
    start = len(code)
    struct.pack_into("<i", code, lea_at, start - (lea_at + 4))
    code.extend(b"\xf3\x0f\x1e\xfa")                                   # start: endbr64
    code.extend(b"\x48\x83\xec\x08")                                   # sub $8,%rsp
    code.extend(b"\x48\x8b\x3d\0\0\0\0"); _pc32(code, rel, BSS, 0)     # mov argc,%rdi
    code.extend(b"\x48\x8b\x35\0\0\0\0"); _pc32(code, rel, BSS, 8)     # mov argv,%rsi
    code.extend(b"\x48\x8b\x15\0\0\0\0"); _pc32(code, rel, BSS, 16)    # mov envp,%rdx
    code.extend(b"\xe8\0\0\0\0"); _plt32(code, rel, MAIN)              # call SYM
    code.extend(b"\x31\xc0")                                           # xor %eax,%eax
    code.extend(b"\x48\x83\xc4\x08")                                   # add $8,%rsp
    code.extend(b"\xc3")                                               # ret
    return bytes(code), rel, entry_size, start


# ---------------------------------------------------------------- .note.gnu.property

def merge_properties(ctx) -> list[tuple[int, int]]:
    """x86 properties of the output, merged as bfd does over the relocatable inputs (braze's generated
    objects are neutral): FEATURE_1_AND (IBT, SHSTK, LAM_U48, LAM_U57) is the AND of all objects, an
    object without it counting as 0, plus the bits -z ibt/shstk/lam-u48/lam-u57 force; the *_NEEDED
    range is ORed (plus -z x86-64-vN); the *_USED range is ORed but kept only when every object has
    it. Also -z cet-report and -z lam-*-report. The generic ranges as properties.py merges them, with
    -z [no]indirect-extern-access; the output's indirect-access bit decides -z nocopyreloc (set by the
    option; from the inputs alone it lifts -z nocopyreloc and a copy relocation or canonical PLT entry
    clears it: finish_properties), as bfd."""
    from ..properties import merged_generic
    cfg = ctx.config
    objs = [o for o in ctx.objs if not getattr(o, "synthetic", False)]
    forced = forced_features(cfg)
    out = []
    feat = None
    for o in objs:
        mine = o.proc_props.get(GNU_PROPERTY_X86_FEATURE_1_AND)
        if mine is None:
            feat = 0
            break
        feat = mine if feat is None else feat & mine
    if cfg.cet_report != "none" or cfg.lam_u48_report != "none" or cfg.lam_u57_report != "none":
        _feature_report(cfg, objs, forced)
    feat = (feat or 0) | forced
    ctx.x86_feature_1 = feat
    if feat:
        out.append((GNU_PROPERTY_X86_FEATURE_1_AND, feat))
    ors: dict[int, int] = {}
    for o in objs:
        for k, v in _or_props(o).items():
            ors[k] = ors.get(k, 0) | v
    if cfg.isa_level_needed:
        ors[GNU_PROPERTY_X86_ISA_1_NEEDED] = ors.get(GNU_PROPERTY_X86_ISA_1_NEEDED, 0) | cfg.isa_level_needed
    out.extend((k, v) for k, v in ors.items() if v)     # (bfd drops an x86 OR property that is 0)
    if cfg.indirect_extern_access == 1 and len(objs) == 1 and (
            objs[0].proc_props.get(GNU_PROPERTY_X86_FEATURE_1_AND) == 0 or 0 in _or_props(objs[0]).values()):
        raise LinkError(f"-z indirect-extern-access: {objs[0].name}, the link's one object, has an x86 property "
                        "of value 0 (bfd then writes no property note; not supported)")
    generic = merged_generic(objs, cfg.indirect_extern_access)
    out.extend(generic.items())
    iea = generic.get(GNU_PROPERTY_1_NEEDED, 0) & GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS
    if cfg.indirect_extern_access == 1:
        ctx.nocopyreloc = True
    elif cfg.indirect_extern_access < 0 and iea:
        ctx.nocopyreloc = False
        ctx.iea_from_inputs = True
    if objs:
        orand = _orand_props(objs[0])
        for o in objs[1:]:
            if not orand:
                break
            mine = _orand_props(o)
            orand = {k: v | mine[k] for k, v in orand.items() if k in mine}
        out.extend(orand.items())
        ands = _and_props(objs[0])
        for o in objs[1:]:
            if not ands:
                break
            mine = _and_props(o)
            ands = {k: v & mine[k] for k, v in ands.items() if k in mine}
        out.extend((k, v) for k, v in ands.items() if v)
    out.sort()
    return out


GNU_PROPERTY_X86_COMPAT_ISA_1_USED, GNU_PROPERTY_X86_COMPAT_ISA_1_NEEDED = 0xc0000000, 0xc0000001


def _or_props(o) -> dict[int, int]:
    """The object's properties bfd ORs: the *_NEEDED range and COMPAT_ISA_1_NEEDED (0xc0000001)."""
    return {k: v for k, v in o.proc_props.items()
            if GNU_PROPERTY_X86_UINT32_OR_LO <= k <= GNU_PROPERTY_X86_UINT32_OR_HI or k == GNU_PROPERTY_X86_COMPAT_ISA_1_NEEDED}


def _and_props(o) -> dict[int, int]:
    """The object's properties of the *_AND range other than FEATURE_1_AND (no meaning yet): bfd keeps
    one only when every object has it, ANDed, and never with value 0."""
    return {k: v for k, v in o.proc_props.items()
            if GNU_PROPERTY_X86_UINT32_AND_LO < k <= GNU_PROPERTY_X86_UINT32_AND_HI}


def _orand_props(o) -> dict[int, int]:
    """The object's properties bfd keeps only when every object has them, ORed: the *_USED range and
    COMPAT_ISA_1_USED (0xc0000000, which is aarch64's FEATURE_1_AND there)."""
    return {k: v for k, v in o.proc_props.items()
            if GNU_PROPERTY_X86_UINT32_OR_AND_LO <= k <= GNU_PROPERTY_X86_UINT32_OR_AND_HI or k == GNU_PROPERTY_X86_COMPAT_ISA_1_USED}


def forced_features(cfg) -> int:
    """The FEATURE_1_AND bits the -z options set. As bfd 2.40: -z lam-u48 sets LAM_U57 as well."""
    return ((GNU_PROPERTY_X86_FEATURE_1_IBT if cfg.z_ibt else 0)
            | (GNU_PROPERTY_X86_FEATURE_1_SHSTK if cfg.z_shstk else 0)
            | (GNU_PROPERTY_X86_FEATURE_1_LAM_U48 | GNU_PROPERTY_X86_FEATURE_1_LAM_U57 if cfg.z_lam_u48 else 0)
            | (GNU_PROPERTY_X86_FEATURE_1_LAM_U57 if cfg.z_lam_u57 else 0))


def _report_line(level: str, name: str, what: str) -> None:
    if level == "error":
        diag.error(f"{name}: {what}")
    elif level == "warning":
        diag.note(f"{name}: warning: {what}")


def finish_properties(ctx) -> None:
    """bfd clears the indirect-access bit the inputs gave the output (not -z indirect-extern-access's)
    when the link made a copy relocation or a canonical PLT entry; the property stays, with the other
    bits (0 included)."""
    note = ctx.syn.property if ctx.syn is not None else None
    if not ctx.iea_from_inputs or note is None:
        return
    st: _ScanState | None = getattr(ctx, "x86_scan", None)
    if any(s.copyrel or s.canonical_plt for s in ctx.needs_syms) or \
            (st is not None and st.ifunc_addr_taken and ctx.dynamic):
        from ..synthetic.notes import PropertyNote
        props = [(t, v & ~GNU_PROPERTY_1_NEEDED_INDIRECT_EXTERN_ACCESS if t == GNU_PROPERTY_1_NEEDED else v)
                 for t, v in note.props]
        note.props = props
        note.data = PropertyNote(props).data


def _feature_report(cfg, objs, forced) -> None:
    """-z cet-report= and -z lam-*-report=: for each object in turn, bfd's lines for the FEATURE_1_AND
    bits it lacks (unless forced by -z): IBT and SHSTK in one line, then LAM_U48, then LAM_U57."""
    for o in objs:
        have = o.proc_props.get(GNU_PROPERTY_X86_FEATURE_1_AND, 0) | forced
        if cfg.cet_report != "none":
            miss = [n for n, bit in (("IBT", GNU_PROPERTY_X86_FEATURE_1_IBT),
                                     ("SHSTK", GNU_PROPERTY_X86_FEATURE_1_SHSTK)) if not have & bit]
            if miss:
                what = "missing IBT and SHSTK properties" if len(miss) == 2 else f"missing {miss[0]} property"
                _report_line(cfg.cet_report, o.name, what)
        if not have & GNU_PROPERTY_X86_FEATURE_1_LAM_U48:
            _report_line(cfg.lam_u48_report, o.name, "missing LAM_U48 property")
        if not have & GNU_PROPERTY_X86_FEATURE_1_LAM_U57:
            _report_line(cfg.lam_u57_report, o.name, "missing LAM_U57 property")
    diag.check_errors()


def use_ibt_plt(ctx) -> bool:
    """bfd's IBT PLT: with -z ibtplt, or when the output is IBT-marked (all inputs IBT, or -z ibt);
    after merge_properties."""
    return bool(ctx.config.z_ibtplt or ctx.x86_feature_1 & GNU_PROPERTY_X86_FEATURE_1_IBT)


# ---------------------------------------------------------------- the Target

# The CIE gcc emits for C code ("zR", FDE pointers pcrel|sdata4, CFA = rsp+8, return address at CFA-8),
# used by bfd for its PLT FDEs too.
_PLT_CIE = bytes([0x14, 0, 0, 0, 0, 0, 0, 0, 1, ord("z"), ord("R"), 0, 1, 0x78, 16, 1, 0x1b,
                  0x0c, 7, 8, 0x90, 1, 0, 0])
# Lazy PLT: PLT0 is entered with one word pushed by an entry (CFA = rsp+16) and pushes another (rsp+24
# from offset 6); in each 16-byte entry the push at offset 6 counts from offset 11 on, hence
# CFA = rsp + 8 + ((rip & 15) >= 11) * 8 for the entries, as a DWARF expression.
_LAZY_PLT_FDE = bytes([0x24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       0x0e, 16, 0x46, 0x0e, 24, 0x4a,
                       0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22,
                       0, 0, 0, 0])


def _ibt_plt_fde() -> bytes:
    """The IBT .plt's FDE: as the lazy one, with the offset where an entry's push has completed."""
    i = _LAZY_PLT_FDE.index(bytes([0x1a, 0x30 + 11]))        # DW_OP_and; DW_OP_lit11
    return _LAZY_PLT_FDE[:i + 1] + bytes([0x30 + IBT_PLT_PUSH_DONE]) + _LAZY_PLT_FDE[i + 2:]


# .plt.got: one jmp per entry, the caller's frame is untouched (the CIE's rules hold)
_PLT_GOT_FDE = bytes([0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + [0] * 7)


# the multi-byte NOPs bfd pads code gaps with (long-NOP forms, 1 to 10 bytes): as many 10-byte
# ones as fit, then the one of the remaining length
_NOPS = (b"", b"\x90", b"\x66\x90", b"\x0f\x1f\x00", b"\x0f\x1f\x40\x00", b"\x0f\x1f\x44\x00\x00",
         b"\x66\x0f\x1f\x44\x00\x00", b"\x0f\x1f\x80\x00\x00\x00\x00",
         b"\x0f\x1f\x84\x00\x00\x00\x00\x00", b"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00",
         b"\x66\x2e\x0f\x1f\x84\x00\x00\x00\x00\x00")


ISA_LEVELS = {"x86-64-baseline": 1, "x86-64-v2": 2, "x86-64-v3": 4, "x86-64-v4": 8}   # -z x86-64-*: ISA_1_NEEDED bits


EMULATIONS = ("elf_x86_64",)      # the -m names of this machine (X86_64.emulations)


def _report_level(cfg, kw: str, now: str) -> str:
    """The value of -z cet-report= / lam-u48-report= / lam-u57-report= / lam-report= (NOW: the current
    one). x86-64 bfd refuses any other word as it reads the option; after -m of another machine the
    keyword is kept as it is, only to be warned about as that machine's bfd does."""
    key, _eq, v = kw.partition("=")
    if v not in ("none", "warning", "error"):
        if cfg.emulation and cfg.emulation not in EMULATIONS:
            return now
        raise LinkError(f"invalid option for -z {key}=: {v}")
    return v


def _call_nop(v: str) -> tuple[bool, int]:
    """-z call-nop=: (as a suffix?, the byte) padding `call *foo@GOTPCREL(%rip)` relaxed to a 5-byte call:
    bfd's prefix-addr (0x67, the default), suffix-nop (0x90), or prefix-/suffix- and a C number (its
    low byte)."""
    if v == "prefix-addr":
        return False, 0x67
    if v == "suffix-nop":
        return True, 0x90
    for where in ("prefix-", "suffix-"):
        if v.startswith(where):
            n = v[len(where):]
            from ..cli import _c_number_prefix, _c_strtoul
            if _c_number_prefix(n) != n:
                raise LinkError(f"invalid number for -z call-nop={where}: {n}")
            return where == "suffix-", _c_strtoul(n) & 0xff
    raise LinkError(f"unsupported option: -z call-nop={v}")


# Relocation type -> (name, PC-relative, field bytes, field bits, overflow rule): the psABI's howtos as
# bfd 2.40 has them, which its generic linker applies for a non-ELF output (oformat.py); the
# types bfd 2.40 does not know (43 and up, but the vtable ones) are refused.
GENERIC_HOWTOS: dict[int, tuple[str, bool, int, int, str]] = {t: (f"R_X86_64_{n}", p, z, b, c) for t, n, p, z, b, c in (
    (0, "NONE", False, 0, 0, "dont"), (1, "64", False, 8, 64, "dont"), (2, "PC32", True, 4, 32, "signed"),
    (3, "GOT32", False, 4, 32, "signed"), (4, "PLT32", True, 4, 32, "signed"),
    (5, "COPY", False, 4, 32, "bitfield"), (6, "GLOB_DAT", False, 8, 64, "dont"),
    (7, "JUMP_SLOT", False, 8, 64, "dont"), (8, "RELATIVE", False, 8, 64, "dont"),
    (9, "GOTPCREL", True, 4, 32, "signed"), (10, "32", False, 4, 32, "unsigned"),
    (11, "32S", False, 4, 32, "signed"), (12, "16", False, 2, 16, "bitfield"),
    (13, "PC16", True, 2, 16, "bitfield"), (14, "8", False, 1, 8, "bitfield"), (15, "PC8", True, 1, 8, "signed"),
    (16, "DTPMOD64", False, 8, 64, "dont"), (17, "DTPOFF64", False, 8, 64, "dont"),
    (18, "TPOFF64", False, 8, 64, "dont"), (19, "TLSGD", True, 4, 32, "signed"),
    (20, "TLSLD", True, 4, 32, "signed"), (21, "DTPOFF32", False, 4, 32, "signed"),
    (22, "GOTTPOFF", True, 4, 32, "signed"), (23, "TPOFF32", False, 4, 32, "signed"),
    (24, "PC64", True, 8, 64, "dont"), (25, "GOTOFF64", False, 8, 64, "dont"),
    (26, "GOTPC32", True, 4, 32, "signed"), (27, "GOT64", False, 8, 64, "signed"),
    (28, "GOTPCREL64", True, 8, 64, "signed"), (29, "GOTPC64", True, 8, 64, "signed"),
    (30, "GOTPLT64", False, 8, 64, "signed"), (31, "PLTOFF64", False, 8, 64, "signed"),
    (32, "SIZE32", False, 4, 32, "unsigned"), (33, "SIZE64", False, 8, 64, "dont"),
    (34, "GOTPC32_TLSDESC", True, 4, 32, "bitfield"), (35, "TLSDESC_CALL", False, 0, 0, "dont"),
    (36, "TLSDESC", False, 8, 64, "dont"), (37, "IRELATIVE", False, 8, 64, "dont"),
    (38, "RELATIVE64", False, 8, 64, "dont"), (39, "PC32_BND", True, 4, 32, "signed"),
    (40, "PLT32_BND", True, 4, 32, "signed"), (41, "GOTPCRELX", True, 4, 32, "signed"),
    (42, "REX_GOTPCRELX", True, 4, 32, "signed"),
    (250, "GNU_VTINHERIT", False, 0, 0, "dont"), (251, "GNU_VTENTRY", False, 0, 0, "dont"))}


class X86_64(Target):
    """x86-64 Linux (System V psABI, glibc/musl), as GNU ld's elf_x86_64 emulation."""
    orphan_static_dynobj = (".rela.got", ".got", ".got.plt", ".iplt", ".rela.iplt", ".igot.plt")
    # 64, PC32, 32, 32S, 16, PC16, 8, PC8, PC64, SIZE32, SIZE64, PC32_BND
    orphan_pointer_relocs = frozenset((1, 2, 10, 11, 12, 13, 14, 15, 24, 32, 33, 39))
    orphan_abs64 = 1
    orphan_got_loads = frozenset((41, 42))      # GOTPCRELX, REX_GOTPCRELX
    name = "x86-64"
    e_machine = EM_X86_64
    static_first_refuses_dsos = True
    tlsdesc_now_plt0 = False          # (bfd: PLT0 for TLSDESC only with lazy binding)
    exe_dynamic_tls_ie = True
    tls_call_marks = frozenset((R_TLSGD, R_TLSLD))
    # bfd keeps a CIE only for a kept FDE (elf-eh-frame.c: every entry starts removed and
    # find_merged_cie revives the CIE of each FDE kept): a C++ function's personality CIE whose
    # FDEs --gc-sections dropped goes too
    drop_unused_cies = True
    # bfd: a non-PIE's GOT slot (one no relaxation removed) of a symbol it exports gets GLOB_DAT,
    # as aarch64's (elf_x86_64_finish_dynamic_symbol: RELATIVE only for PIC output)
    glob_dat_exported_got = True
    ifunc_got_via_gotplt = True
    ifunc_got_via_gotplt_pic = True
    emulations = EMULATIONS
    # bfd's --target-help lines of elf_x86_64, less the keywords braze refuses (noreloc-overflow,
    # report-relative-reloc)
    target_help = (
        "  -z noextern-protected-data  Do not treat protected data symbol as external",
        "  -z indirect-extern-access   Enable indirect external access",
        "  -z noindirect-extern-access Disable indirect external access (default)",
        "  -z dynamic-undefined-weak   Make undefined weak symbols dynamic",
        "  -z nodynamic-undefined-weak Do not make undefined weak symbols dynamic",
        "  -z call-nop=PADDING         Use PADDING as 1-byte NOP for branch",
        "  -z ibtplt                   Generate IBT-enabled PLT entries",
        "  -z ibt                      Generate GNU_PROPERTY_X86_FEATURE_1_IBT",
        "  -z shstk                    Generate GNU_PROPERTY_X86_FEATURE_1_SHSTK",
        "  -z cet-report=[none|warning|error] (default: none)",
        "                              Report missing IBT and SHSTK properties",
        "  -z x86-64-{baseline|v[234]} Mark x86-64-{baseline|v[234]} ISA level as needed",
        "  -z lam-u48                  Generate GNU_PROPERTY_X86_FEATURE_1_LAM_U48",
        "  -z lam-u48-report=[none|warning|error] (default: none)",
        "                              Report missing LAM_U48 property",
        "  -z lam-u57                  Generate GNU_PROPERTY_X86_FEATURE_1_LAM_U57",
        "  -z lam-u57-report=[none|warning|error] (default: none)",
        "                              Report missing LAM_U57 property",
        "  -z lam-report=[none|warning|error] (default: none)",
        "                              Report missing LAM_U48 and LAM_U57 properties",
        "  -z pack-relative-relocs     Pack relative relocations",
        "  -z nopack-relative-relocs   Do not pack relative relocations (default)",
    )
    refused_emulations = {"elf32_x86_64": "the x32 ABI", "elf_i386": "32-bit x86", "elf_iamcu": "Intel MCU",
                          **dict.fromkeys(("i386pep", "i386pe"), "PE (Windows) output")}
    output_format = "elf64-x86-64"
    bfd_targets = ("elf64-x86-64", "elf32-i386", "elf32-iamcu", "elf32-x86-64", "pei-i386", "pe-x86-64",
                   "pei-x86-64", "elf64-little", "elf64-big", "elf32-little", "elf32-big", "pe-bigobj-x86-64",
                   "pe-i386", "pdb", "srec", "symbolsrec", "verilog", "tekhex", "binary", "ihex", "plugin")
    raw_output_formats = ("binary",)
    generic_howtos = GENERIC_HOWTOS
    bfd_script_tag = "x86"
    bfd_script_head = 'OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64",\n\t      "elf64-x86-64")\nOUTPUT_ARCH(i386:x86-64)'
    image_base = 0x400000
    unpaged_links = True              # -N/-n: tests/test_opt_omagic.py
    max_page_size = 0x1000
    common_page_size = 0x1000
    tls_variant = 2
    pde_ifunc_export_plt = True
    ifunc_ignores_symbolic = True
    unwind_section_type = SHT_X86_64_UNWIND
    large_common_shndx = SHN_X86_64_LCOMMON
    large_common_section = ".lbss"
    large_common_flags = SHF_ALLOC | SHF_WRITE | SHF_X86_64_LARGE
    special_sections = ((".gnu.linkonce.lb", 1, SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_X86_64_LARGE),
                        (".gnu.linkonce.lr", 1, 0, SHF_ALLOC | SHF_X86_64_LARGE),
                        (".gnu.linkonce.lt", 1, 0, SHF_ALLOC | SHF_EXECINSTR | SHF_X86_64_LARGE),
                        (".lbss", 1, SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_X86_64_LARGE),
                        (".ldata", 1, 0, SHF_ALLOC | SHF_WRITE | SHF_X86_64_LARGE),
                        (".lrodata", 1, 0, SHF_ALLOC | SHF_X86_64_LARGE))
    # bfd's default PT_INTERP (ELF_DYNAMIC_INTERPRETER, as the psABI names it); gcc always passes
    # glibc's -dynamic-linker /lib64/ld-linux-x86-64.so.2, a bare `ld` without one gets this
    interpreter = "/lib/ld64.so.1"
    host_machines = ("x86_64",)
    static_got_entsize = 0            # (bfd's static x86-64 .got is not the dynamic one it sizes by entry)
    static_empty_got_align = 8

    def static_empty_sections(self, ctx) -> list:
        """bfd's x86 setup_gnu_properties makes the dynobj's .rela.got and .rela.iplt in every such
        static link (after its .got, .got.plt, .igot.plt: static_empty_got_align)."""
        return [(".rela.dyn", SHF_ALLOC, 8, SHT_RELA)]

    def code_fill(self, n: int) -> bytes:
        return _NOPS[10] * (n // 10) + _NOPS[n % 10]

    # bfd's elf_x86_64 SEARCH_DIR list (Debian multiarch), in its order
    lib_dirs = ("/usr/local/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                "/usr/lib/x86_64-linux-gnu64", "/usr/local/lib64", "/lib64", "/usr/lib64", "/usr/local/lib",
                "/lib", "/usr/lib", "/usr/x86_64-linux-gnu/lib64", "/usr/x86_64-linux-gnu/lib")
    lib_init_symbol = "_rt0_amd64_linux_lib"
    R_NONE = R_NONE
    R_ABS64 = R_64
    R_ABS32 = R_32
    R_PC32 = R_PC32
    R_PLT32 = R_PLT32
    R_COPY = R_COPY
    R_GLOB_DAT = R_GLOB_DAT
    ifunc_reloc_class = True
    symbolic_dyn_widths = {R_64: 8, R_PC64: 8, R_PC32: 4, R_PC16: 2, R_PC8: 1, R_SIZE32: 4, R_SIZE64: 8}
    R_JUMP_SLOT = R_JUMP_SLOT
    R_RELATIVE = R_RELATIVE
    R_IRELATIVE = R_IRELATIVE
    R_DTPMOD64 = R_DTPMOD64
    R_DTPOFF64 = R_DTPOFF64
    R_TPOFF64 = R_TPOFF64
    R_TLSDESC = R_TLSDESC
    got_entry_size = 8
    plt_header_size = 16
    plt_entry_size = 16
    pltgot_entry_size = 8
    static_iplt_entry_size = 8        # bfd's non-lazy PLT entries (jmp *slot; xchg %ax,%ax) when static
    ibt_pltgot_entry_size = IBT_PLT_ENTRY
    lazy_plt_resume = 6               # after `jmp *slot(%rip)`: the push
    dyn_ifunc_plt0 = True
    plt_cie = _PLT_CIE
    lazy_plt_fde = _LAZY_PLT_FDE
    ibt_plt_fde = _ibt_plt_fde()
    pltgot_fde = _PLT_GOT_FDE

    rname = staticmethod(rname)

    def configure(self, cfg) -> None:
        """aarch64's options: x86-64 bfd does not know them (its -z keywords are only warned about)."""
        for given, opt in ((cfg.fix_cortex_a53_843419, "--fix-cortex-a53-843419"),
                           (cfg.no_apply_dynamic_relocs, "--no-apply-dynamic-relocs"),
                           (cfg.pic_veneer, "--pic-veneer"),
                           (cfg.stub_group_size is not None, "--stub-group-size")):
            if given:
                raise LinkError(f"option {opt} is not supported for x86-64 (an aarch64 option)")
        for name, kw in cfg.z_machine:
            if name == self.name and kw in ("noreloc-overflow", "report-relative-reloc"):
                raise LinkError(f"option -z {kw} is not supported")
        self.warn_foreign_z(cfg)
        if cfg.dynamic_undefined_weak and cfg.no_dynamic_linker and not cfg.shared and not cfg.relocatable:
            diag.warn("-z dynamic-undefined-weak ignored")     # (no loader to bind them: they are 0)
            cfg.dynamic_undefined_weak = None

    @staticmethod
    def z_option(cfg, kw: str) -> bool:
        """elf_x86_64's keywords: the CET and LAM properties and IBT PLT, the ISA level, the relaxed call's padding,
        DT_RELR (-z pack-relative-relocs)."""
        if kw == "ibt":
            cfg.z_ibt = True
        elif kw == "shstk":
            cfg.z_shstk = True
        elif kw == "ibtplt":
            cfg.z_ibtplt = True
        elif kw.startswith("cet-report="):
            cfg.cet_report = _report_level(cfg, kw, cfg.cet_report)
        elif kw == "lam-u48":
            cfg.z_lam_u48 = True
        elif kw == "lam-u57":
            cfg.z_lam_u57 = True
        elif kw.startswith("lam-u48-report="):
            cfg.lam_u48_report = _report_level(cfg, kw, cfg.lam_u48_report)
        elif kw.startswith("lam-u57-report="):
            cfg.lam_u57_report = _report_level(cfg, kw, cfg.lam_u57_report)
        elif kw.startswith("lam-report="):
            cfg.lam_u48_report = _report_level(cfg, kw, cfg.lam_u48_report)
            cfg.lam_u57_report = _report_level(cfg, kw, cfg.lam_u57_report)
        elif kw.startswith("call-nop="):
            cfg.call_nop = _call_nop(kw[9:])
        elif kw == "pack-relative-relocs" or kw == "nopack-relative-relocs":
            cfg.pack_relative_relocs = kw == "pack-relative-relocs"     # (aarch64 bfd 2.40 has no DT_RELR)
        elif kw == "indirect-extern-access" or kw == "noindirect-extern-access":
            cfg.indirect_extern_access = int(kw == "indirect-extern-access")
        elif kw == "dynamic-undefined-weak" or kw == "nodynamic-undefined-weak":
            cfg.dynamic_undefined_weak = kw == "dynamic-undefined-weak"
        elif kw == "noreloc-overflow" or kw == "report-relative-reloc":
            pass        # (refused by configure: not implemented; aarch64 bfd ignores them, warning)
        elif kw == "noextern-protected-data":
            pass        # (measured: bfd 2.40's x86-64 output is the same with it; protected data binds locally)
        elif kw.startswith("x86-64-"):
            if kw not in ISA_LEVELS:
                raise LinkError(f"invalid x86-64 ISA level: {kw}")
            cfg.isa_level_needed |= ISA_LEVELS[kw]
        else:
            return False
        return True

    scan_section = staticmethod(scan_section)
    finish_weak_undefined = staticmethod(finish_weak_undefined)
    finish_scan = staticmethod(finish_scan)
    apply_relocs = staticmethod(apply_relocs)
    apply_jobs = staticmethod(apply_jobs)
    merge_properties = staticmethod(merge_properties)
    finish_properties = staticmethod(finish_properties)

    def map_property_notes(self, ctx, notes: list):
        from .x86_64_map import map_property_notes     # (only links that write a map)
        return map_property_notes(ctx, notes)

    use_ibt_plt = staticmethod(use_ibt_plt)
    reloc_field_width = staticmethod(reloc_field_width)
    emitted_reloc = staticmethod(emitted_reloc)
    emit_relaxable = EMIT_RELAXABLE
    write_ibt_plt_entry = staticmethod(write_ibt_plt_entry)
    write_ibt_jmp_entry = staticmethod(write_ibt_jmp_entry)

    @staticmethod
    def lib_main_code(msg_len: int):
        return _lib_main_code(msg_len)

    @staticmethod
    def thread_pointer(tls_start: int, memsz: int, align: int) -> int:
        """Variant II: %fs points just past the TLS block (rounded up to its alignment)."""
        return tls_start + align_up(memsz, align)

    @staticmethod
    def write_plt0(buf, off: int, addr: int, gotplt: int) -> None:
        """push GOT+8(%rip); jmp *GOT+16(%rip); nopl 0(%rax)"""
        struct.pack_into("<2sI2sI4s", buf, off, b"\xff\x35", (gotplt + 8 - (addr + 6)) & 0xffffffff,
                         b"\xff\x25", (gotplt + 16 - (addr + 12)) & 0xffffffff, b"\x0f\x1f\x40\x00")

    @staticmethod
    def write_plt_entry(buf, off: int, addr: int, slot: int, index: int, plt0: int) -> None:
        """jmp *slot(%rip); push $index; jmp PLT0"""
        struct.pack_into("<2sIBIBi", buf, off, b"\xff\x25", (slot - (addr + 6)) & 0xffffffff, 0x68, index, 0xe9,
                         plt0 - (addr + 16))

    @staticmethod
    def write_iplt_entry(buf, off: int, addr: int, slot: int) -> None:
        """jmp *slot(%rip); 10-byte nop padding"""
        struct.pack_into("<2sI10s", buf, off, b"\xff\x25", (slot - (addr + 6)) & 0xffffffff,
                         b"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00\x90")

    @staticmethod
    def write_pltgot_entry(buf, off: int, addr: int, slot: int) -> None:
        """jmp *slot(%rip); xchg %ax,%ax"""
        struct.pack_into("<2sI2s", buf, off, b"\xff\x25", (slot - (addr + 6)) & 0xffffffff, b"\x66\x90")

    @staticmethod
    def write_tlsdesc_tramp(buf, off: int, addr: int, gotplt: int, tlsdesc_got: int) -> None:
        """endbr64; push GOT+8 (the link map, as PLT0 does); jmp *DT_TLSDESC_GOT (ld.so's resolver)"""
        struct.pack_into("<4s2sI2sI", buf, off, ENDBR64,
                         b"\xff\x35", (gotplt + 8 - (addr + 10)) & 0xffffffff,
                         b"\xff\x25", (tlsdesc_got - (addr + 16)) & 0xffffffff)


TARGET = X86_64()
