"""Global symbols. One Symbol per name; files point at it from their symbol tables."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # `typing` costs ~10 ms of start-up; annotations are never evaluated
    from typing import Any, Final

from .elf import STB_GLOBAL, STT_TLS, STT_GNU_IFUNC, STT_FUNC, STV_DEFAULT

# Where a definition came from, strongest last.
NONE: Final = 0
SHARED: Final = 1
COMMON: Final = 2
WEAK: Final = 3
STRONG: Final = 4


class Symbol:
    __slots__ = ("name", "file", "section", "value", "size", "type", "bind", "visibility", "rank",
                 "ref_regular", "ref_strong", "ref_dynamic", "ref_file", "export", "is_abs",
                 "common_align", "dynsym_idx", "got_idx", "gottp_idx", "tlsgd_idx", "tlsdesc_idx",
                 "plt_idx", "pltgot_idx", "iplt_idx", "copyrel", "canonical_plt", "version", "verneed",
                 "needs", "dyn_version", "linker_defined", "hidden_local", "wrapped", "aux_idx",
                 "version_hidden", "used_in_reloc", "keep", "def_dynamic", "script_abs", "large_common",
                 "sto_flags", "ref_ir_only", "obj_hidden", "dso_def_after", "dyn_tried")

    def __init__(self, name: str):
        self.name: str = name
        self.file: Any = None          # defining file (ObjectFile / SharedFile / None)
        self.section: Any = None       # InputSection / output chunk / None
        self.value: int = 0
        self.size: int = 0
        self.type: int = 0
        self.bind: int = STB_GLOBAL
        self.visibility: int = STV_DEFAULT
        self.rank: int = NONE
        self.ref_regular: Any = False   # referenced from a regular object
        self.ref_strong: Any = False    # a non-weak undefined reference exists
        self.ref_dynamic: Any = False   # referenced from a shared library
        self.ref_file: Any = None       # first referencing object (for diagnostics)
        self.export: Any = False        # goes to .dynsym as a definition
        self.is_abs: Any = False
        self.common_align: int = 0
        self.dynsym_idx: int = -1
        self.got_idx: int = -1
        self.gottp_idx: int = -1
        self.tlsgd_idx: int = -1
        self.tlsdesc_idx: int = -1
        self.plt_idx: int = -1
        self.pltgot_idx: int = -1
        self.iplt_idx: int = -1
        self.copyrel: Any = False
        self.canonical_plt: Any = False
        self.version: int = 1           # versym index in the output (DSO-provided or own)
        self.verneed: Any = None        # (SharedFile, version name) for imports
        self.needs: int = 0             # NEEDS_* bits from relocation scanning
        self.dyn_version: Any = None
        self.linker_defined: Any = False
        self.hidden_local: Any = False
        self.wrapped: Any = False
        self.aux_idx: int = -1
        self.version_hidden: Any = False
        self.used_in_reloc: Any = False
        self.keep: Any = False
        self.def_dynamic: Any = False   # a shared library defines it too (bfd then exports ours)
        self.script_abs: Any = False    # --defsym/script `sym = expr` that bfd lists as SHN_ABS
        self.large_common: Any = False  # COMMON, and every common declaration was the target's large one
        self.sto_flags: int = 0         # st_other bits besides the visibility (Target.sto_flags_mask), ORed
        self.ref_ir_only: Any = False   # referenced, and only by the LTO plugin's IR files so far
        self.obj_hidden: Any = False    # an object's own st_other made it hidden or internal
        # a linked shared library read after our definition, already hidden by an object, defines it
        # too (gc.py: bfd keeps its section in an executable)
        self.dso_def_after: Any = False
        # our definition met a library's while no object had hidden it: bfd then tried to make it
        # dynamic, and writes it LOCAL in .symtab if it ends up hidden (--exclude-libs, a later
        # hidden reference); one hidden by an object first stays GLOBAL HIDDEN
        self.dyn_tried: Any = False

    def __repr__(self):
        return f"<Symbol {self.name} rank={self.rank} file={self.file}>"

    @property
    def is_defined(self) -> bool:
        return self.rank >= COMMON or self.linker_defined

    @property
    def is_shared(self) -> bool:
        return self.rank == SHARED

    @property
    def is_undefined(self) -> bool:
        return self.rank == NONE and not self.linker_defined

    @property
    def is_weak_undef(self) -> bool:
        return self.is_undefined and not self.ref_strong

    @property
    def is_tls(self) -> bool:
        return self.type == STT_TLS

    @property
    def is_ifunc(self) -> bool:
        return self.type == STT_GNU_IFUNC and self.rank >= COMMON

    @property
    def is_func(self) -> bool:
        return self.type in (STT_FUNC, STT_GNU_IFUNC)


# NEEDS bits set by relocation scanning
NEEDS_GOT: Final = 1
NEEDS_PLT: Final = 2
NEEDS_GOTTP: Final = 4
NEEDS_TLSGD: Final = 8
NEEDS_TLSDESC: Final = 16
NEEDS_COPY: Final = 32
NEEDS_CPLT: Final = 64      # canonical PLT (address taken in non-PIC code)
NEEDS_DYNSYM: Final = 128


# Linker-defined symbols (defined only when referenced; see layout.define_symbols for values).
LINKER_SYMS = {"_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start", "__executable_start", "_etext", "etext",
               "__etext", "_edata", "edata", "_end", "end", "__bss_start", "__init_array_start",
               "__init_array_end", "__fini_array_start", "__fini_array_end", "__preinit_array_start",
               "__preinit_array_end", "__rela_iplt_start", "__rela_iplt_end", "__GNU_EH_FRAME_HDR",
               "__tdata_start", "_TLS_MODULE_BASE_", "__dso_handle_unused"}
EXPORTED_LINKER_SYMS = ("_edata", "_end", "__bss_start")   # in .dynsym of -E executables, as bfd does
# the default script's symbols of default visibility (PROVIDE, or set outright): exported as the
# objects' definitions are (an executable's with -E, a dynamic list or a library's reference; a
# shared library's always), through the version script, and preemptible in a shared library
SCRIPT_EXPORTABLE = EXPORTED_LINKER_SYMS + ("__executable_start", "etext", "_etext", "__etext", "edata", "end")
# what bfd's -shared default script defines (all PROVIDE: only when referenced), and its ELF backend:
# no __executable_start, no array bounds, no __tdata_start (a library's reference to one of those
# stays undefined, an import)
SHARED_LINKER_SYMS = frozenset(("_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start", "__GNU_EH_FRAME_HDR",
                                "_TLS_MODULE_BASE_", "_etext", "etext", "__etext", "_edata", "edata", "_end",
                                "end", "__bss_start"))
LOCAL_LINKER_SYMS = {"_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start", "__init_array_start",
                     "__init_array_end", "__fini_array_start", "__fini_array_end", "__preinit_array_start",
                     "__preinit_array_end", "__rela_iplt_start", "__rela_iplt_end", "__GNU_EH_FRAME_HDR",
                     "__tdata_start", "_TLS_MODULE_BASE_"}


class ScriptDefs:
    """The `file` of the symbols --defsym and linker-script assignments define: bfd treats them as
    ordinary global definitions (in .symtab always, exported from a library, preemptible there)."""
    is_shared = False
    archive = None

    def __init__(self, name: str):
        self.name = name
