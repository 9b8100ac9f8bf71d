"""The link configuration: everything the command line says, as plain data."""
from __future__ import annotations

# Config.init_entry's default: replaced by ctx.target.lib_init_symbol (Go's _rt0_<GOARCH>_<GOOS>_lib)
TARGET_INIT_ENTRY = "<target library-init symbol>"


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def field(*, default_factory):
    return _Factory(default_factory)


def dataclass(cls):
    """A minimal @dataclass (keyword/positional __init__, __repr__, __eq__): the standard one imports
    inspect and ast, which costs more start-up time than a small link takes.  A field's plain default
    stays on the class, where reading the field finds it until the field is set, so __init__ sets only
    the fields it is given and those a default_factory makes: Config has ~170 fields, ~35 of them made
    (setting every field cost ~0.24 M instructions a link)."""
    d = cls.__dict__
    names = list(d.get("__annotations__", {}))
    made = [(n, v.make) for n, v in d.items() if type(v) is _Factory]
    required = [n for n in names if n not in d]
    known = frozenset(names)

    def __init__(self, *args, **kw):
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes at most {len(names)} positional arguments")
        kw.update(zip(names, args))
        for n in required:
            if n not in kw:
                raise TypeError(f"{cls.__name__}() missing argument {n!r}")
        for n, make in made:
            if n not in kw:
                setattr(self, n, make())
        for n, v in kw.items():
            if n not in known:
                raise TypeError(f"{cls.__name__}() got unexpected arguments {sorted(set(kw) - known)}")
            setattr(self, n, v)

    def __repr__(self):
        return f"{cls.__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in names)

    cls.__init__, cls.__repr__, cls.__eq__, cls.__hash__ = __init__, __repr__, __eq__, None
    return cls


@dataclass
class InputSpec:
    """One positional input in command-line order, with the option state in force where it appeared."""
    kind: str                 # 'file' | 'lib' (-l) | 'group_start' | 'group_end'
    value: str = ""
    as_needed: bool = False
    whole_archive: bool = False
    static: bool = False      # -Bstatic in force: -l finds only .a
    tscript: bool = False     # given with -T: bfd reads it while parsing options (not traced by -t)
    dscript: bool = False     # given with -dT: ignored when a -T script is given (as bfd)
    binary: bool = False      # -b binary in force: the file's bytes become a .data section (bfd's binary input)
    just_syms: bool = False   # --just-symbols / -R FILE: only FILE's symbols, as absolute definitions
    copy_dt_needed: bool = False  # --copy-dt-needed-entries in force: a library's DT_NEEDED ones may resolve symbols


@dataclass
class Config:
    output: str = "a.out"
    output_given: bool = False    # -o was given: a linker script's OUTPUT(file) does not apply
    inputs: list[InputSpec] = field(default_factory=list)
    library_paths: list[str] = field(default_factory=list)
    entry: str | None = None
    shared: bool = False
    pie: bool = False
    static: bool = False          # -static given: no dynamic sections unless -pie/-shared
    static_first: bool = False    # -static/-Bstatic/-dn/-non_shared before any input file (bfd's x86 check)
    dynamic_linker: str | None = None
    no_dynamic_linker: bool = False
    build_id: str | None = None   # 'default' (bare --build-id) | 'sha1' | 'md5' | 'uuid' | '0x...' | None
    eh_frame_hdr: bool = False
    plt_unwind: bool = True       # --ld-generated-unwind-info: .eh_frame FDEs for .plt and .plt.got
    hash_style: str = "both"      # plain ld default; gcc passes gnu
    relro: bool = True
    now: bool = False
    execstack: bool | None = None
    separate_code: bool | None = None   # None: the target's default (Target.setup)
    paged: bool = True            # bfd's magic_demand_paged (-N/-n clear it: unpaged layout)
    text_rw: bool = False         # -N: bfd's !text_read_only (the output .text is writable)
    # undefined symbols of regular objects: "report" or "ignore"; None: report in an executable, not in a
    # library. -z defs/--no-undefined, -z undefs and --unresolved-symbols set it, the last one winning (bfd)
    undef_objects: str | None = None
    z_text: bool = False
    # bfd's textrel_check (last of -z text|notext|textoff, --warn-textrel): None is the target's
    # default (Target.textrel_warn: x86-64 Linux warns, aarch64 does not); False after -z notext
    textrel_warn: bool | None = None
    z_nodelete: bool = False
    z_nodlopen: bool = False
    z_origin: bool = False
    z_initfirst: bool = False
    z_interpose: bool = False
    z_ibtplt: bool = False
    z_muldefs: bool = False
    z_nocopyreloc: bool = False   # -z nocopyreloc: dynamic relocations in place of copy relocations
    # x86 -z indirect-extern-access (1) / -z noindirect-extern-access (0), neither (-1): properties.py
    indirect_extern_access: int = -1
    z_combreloc: bool = True      # -z nocombreloc: bfd keeps .rela<section> apart and sorts nothing
    z_unique_symbol: bool = False  # -z unique-symbol: `.N` after each input local's name
    print_memory_usage: bool = False   # --print-memory-usage: the MEMORY regions' use, on stdout
    retain_symbols: frozenset | None = None   # --retain-symbols-file: the names .symtab keeps
    dynamic_undefined_weak: bool | None = None   # -z [no]dynamic-undefined-weak (executables; None: bfd's default)
    filter: str | None = None            # -F/--filter (last wins): DT_FILTER
    auxiliary: list[str] = field(default_factory=list)   # -f/--auxiliary: one DT_AUXILIARY each
    audit: str | None = None             # --audit: DT_AUDIT, colon-joined
    depaudit: str | None = None          # --depaudit/-P: DT_DEPAUDIT, colon-joined
    flags_1_extra: int = 0               # DF_1 bits of -z global/nodefaultlib/nodump/loadfltr/globalaudit
    pack_relative_relocs: bool = False   # -z pack-relative-relocs: DT_RELR (.relr.dyn)
    z_unique: bool = False               # -z unique: DT_GNU_FLAGS_1 = DF_GNU_1_UNIQUE
    z_ibt: bool = False                  # -z ibt: force GNU_PROPERTY_X86_FEATURE_1_IBT (and the IBT PLT)
    z_shstk: bool = False                # -z shstk: force GNU_PROPERTY_X86_FEATURE_1_SHSTK
    cet_report: str = "none"             # -z cet-report=none|warning|error
    z_lam_u48: bool = False              # -z lam-u48: force FEATURE_1_LAM_U48 (and, as bfd 2.40, LAM_U57)
    z_lam_u57: bool = False              # -z lam-u57: force GNU_PROPERTY_X86_FEATURE_1_LAM_U57
    lam_u48_report: str = "none"         # -z lam-u48-report= (and -z lam-report=): none|warning|error
    lam_u57_report: str = "none"         # -z lam-u57-report= (and -z lam-report=)
    spare_dynamic_tags: int = 5          # --spare-dynamic-tags=N: DT_NULL slots past .dynamic's tags, less 1
    force_exe_suffix: bool = False       # --force-exe-suffix: also copy the output to OUTPUT.exe
    isa_level_needed: int = 0            # -z x86-64-{baseline,v2,v3,v4}: bits ORed into ISA_1_NEEDED
    call_nop: tuple = (False, 0x67)      # -z call-nop=: a relaxed indirect call's padding (as suffix?, byte)
    package_metadata: str | None = None  # --package-metadata=JSON: .note.package
    max_page_size: int | None = None     # None: the target's default (Target.setup)
    common_page_size: int | None = None
    load_align: int = 0                  # PT_LOAD's p_align (Target.setup): bfd's backend page size,
                                         # which only -z max-page-size changes
    rpath: list[str] = field(default_factory=list)
    rpath_link: list[str] = field(default_factory=list)
    new_dtags: bool = True
    soname: str | None = None
    export_dynamic: bool = False
    dynamic_list: list[str] = field(default_factory=list)
    dynamic_list_data: bool = False      # --dynamic-list-data: data objects count as listed
    dynamic_list_builtin: list[str] = field(default_factory=list)   # --dynamic-list-cpp-{typeinfo,new}
    strip_all: bool = False
    strip_debug: bool = False
    # which object-file locals .symtab keeps (GNU ld's link_info.discard; the last option wins):
    # "sec_merge" (default: drop local labels in SHF_MERGE sections), "locals" (-X: drop every local
    # label), "all" (-x: drop every object-file local), "none" (--discard-none)
    discard: str = "sec_merge"
    gc_sections: bool = False
    print_gc_sections: bool = False
    map_file: str | None = None
    stats: bool = False           # --stats: bfd's "total time in link" line
    map_discarded: bool = True    # --[no-]print-map-discarded: the map's "Discarded input sections"
    sort_common: str = ""            # --sort-common: "descending" (the bare option) or "ascending"
    sort_section: str | None = None    # --sort-section: "name" or "align"
    nostdlib: bool = False
    no_undefined: bool = False
    allow_shlib_undefined: bool | None = None
    unresolved_symbols: str = "report-all"
    warn_unresolved: bool = False      # --warn-unresolved-symbols: undefined symbols are warnings
    error_handling_script: str | None = None   # --error-handling-script: run before undefined/missing-lib reports
    default_imported_symver: bool = False      # imports from unversioned libraries get a version (the soname)
    no_define_common: bool = False             # --no-define-common (-shared): commons stay undefined
    defsyms: list[tuple[str, str]] = field(default_factory=list)
    defsym_at: list[int] = field(default_factory=list)   # each --defsym's place: len(inputs) before it
    wraps: list[str] = field(default_factory=list)
    plugins: list[tuple[str, list[str]]] = field(default_factory=list)   # -plugin PATH, its -plugin-opt's
    undefined: list[str] = field(default_factory=list)
    require_defined: list[str] = field(default_factory=list)   # also in `undefined`
    start_stop_gc: bool = False        # -z start-stop-gc: __start_/__stop_ references keep no section
    start_stop_visibility: int = 3     # -z start-stop-visibility= (STV_*; bfd 2.40's default: protected)
    ignore_unresolved: set[str] = field(default_factory=set)   # --ignore-unresolved-symbol (bfd's ignore_hash)
    stack_size: int = 0               # -z stack-size=N: PT_GNU_STACK's p_memsz
    compress_debug_sections: str = "none"
    disable_multiple_abs_defs: bool = False   # a --just-symbols definition given twice is an error
    time: bool = False
    verbose: bool = False
    trace: int = 0                # -t given once: inputs; twice: archive members too
    trace_symbols: list[str] = field(default_factory=list)     # -y SYM
    dependency_file: str | None = None
    no_warnings: bool = False     # -w / --no-warnings
    warn_once: bool = False       # --warn-once: one --warn-unresolved-symbols warning per symbol
    relax: bool = True
    fatal_warnings: bool = False
    warn_common: bool = False
    bsymbolic: bool = False
    bsymbolic_functions: bool = False
    export_dynamic_symbols: list[tuple[str, str]] = field(default_factory=list)   # ('pattern'|'file', v)
    dynamic_list_exports: bool = False   # the export list counts as a dynamic list (bfd's rule)
    dynamic_bind: bool = False     # -shared: only dynamic-list symbols are preemptible (bfd's info->dynamic)
    dynamic_data: bool = False     # ... and data objects too (-Bsymbolic-functions)
    exclude_libs: list[str] = field(default_factory=list)   # --exclude-libs names ('ALL': every archive)
    init: str = "_init"
    fini: str = "_fini"
    version_scripts: list[str] = field(default_factory=list)
    default_symver: bool = False
    no_undefined_version: bool = False
    lib_main: str | None = None
    init_entry: str | None = TARGET_INIT_ENTRY   # the target's lib_init_symbol unless --[no-]init-entry
    init_entry_explicit: bool = False     # --init-entry given: an undefined SYM is an error
    section_starts: dict[str, int] = field(default_factory=dict)   # --section-start, -Ttext/-Tdata/-Tbss
    text_segment: int | None = None       # -Ttext-segment: the image's first address
    scripts: list[str] = field(default_factory=list)
    sysroot: str = ""
    emulation: str | None = None          # -m NAME; None: the target of the first ELF input (default one)
    print_sysroot: bool = False          # --print-sysroot
    gc_keep_exported: bool = False       # --gc-keep-exported: global default/protected definitions are gc roots
    print_output_format: bool = False    # --print-output-format: the output's BFD target name on stdout
    oformat: str | None = None           # --oformat NAME as given (the last one); None: the target's ELF format
    script_oformat: str | None = None    # the first script's OUTPUT_FORMAT (--oformat overrides it, as in bfd)
    output_kind: str = "elf"             # what --oformat asks for, once the target is known: "elf" or "binary"
    fix_cortex_a53_843419: bool = False   # aarch64: --fix-cortex-a53-843419 (gcc passes it)
    fix_843419_mode: str = "full"        # its =full|adr|adrp: ADR rewrite and veneer, ADR only, veneer only
    no_apply_dynamic_relocs: bool = False   # aarch64: data words with a dynamic relocation keep their input bytes
    pic_veneer: bool = False             # aarch64: --pic-veneer (bfd's aarch64 veneers are PC-relative anyway)
    stub_group_size: int | None = None   # aarch64: --stub-group-size=N (bfd's default: 1)
    z_machine: list = field(default_factory=list)   # (Target.name, keyword): one machine's -z keywords given
    unique: list = field(default_factory=list)   # --unique[=GLOB]: patterns, None for "the orphans"
    input_cache: bool = True      # --no-cache: neither read nor write the parsed-input cache
    threads: int = 0              # 0: decide from the CPU count and the link's size
    optimize: bool = False        # -O1: .hash/.gnu.hash bucket counts searched as bfd's -O does
    warn_search_mismatch: bool = True  # --no-warn-search-mismatch turns it off
    warn_rwx_segments: bool = True     # --[no-]warn-rwx-segments
    warn_execstack: bool | None = None   # None: bfd's default (warn for objects that ask for one)
    # the questions people ask a linker (explain.py): lld's --why-extract/--print-archive-stats/
    # --why-live/--time-trace, bfd's --cref
    why_extract: str | None = None        # --why-extract=FILE ('-': stdout)
    print_archive_stats: str | None = None   # --print-archive-stats=FILE ('-': stdout)
    why_live: list[str] = field(default_factory=list)   # --why-live=GLOB (with --gc-sections)
    time_trace: bool = False              # --time-trace: Chrome trace JSON of the passes
    time_trace_file: str | None = None    # --time-trace-file=FILE (default OUTPUT.time-trace)
    time_trace_granularity: int = 500     # --time-trace-granularity=N: shortest event kept (us)
    cref: bool = False                    # --cref: bfd's cross reference table
    z_common: bool | None = None  # -z [no]common: commons left in -r output are STT_COMMON/STT_OBJECT
    force_group_allocation: bool = False   # with -r: groups' members placed as in a final link
    check_sections: bool = True   # --no-check-sections: a SECTIONS script's sections may overlap
    relocatable: bool = False     # -r/-i/-Ur/--relocatable: an ET_REL output (relocatable.py)
    ur: bool = False              # -Ur (as -r for ELF; --verbose prints bfd's -Ur script)
    emit_relocs: bool = False     # -q/--emit-relocs: keep .rela.<section> in the final output
    define_common: bool = False   # -d/-dc/-dp: allocate common symbols even with -r
    size_map: str | None = None          # --size-map=FILE.html|FILE.json (braze): what takes the bytes
    orphan_handling: str = "place"       # --orphan-handling=MODE: place, discard, warn, error
    reproduce: str | None = None         # --reproduce=FILE.tar (lld's): the inputs and a response file
    reproduce_argv: list[str] = field(default_factory=list)   # the command line, for response.txt

    @property
    def is_dynamic_exe(self) -> bool:
        return not self.shared and not self.static

    @property
    def pic(self) -> bool:
        """Output is position independent (PIE, static-pie or shared)."""
        return self.pie or self.shared
