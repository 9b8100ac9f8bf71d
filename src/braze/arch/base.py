"""What a target architecture provides to the generic linker (the seam between them).

One Target instance per architecture, chosen once per link (see arch.select_target) and kept as
`ctx.target`. Generic modules ask it for every architecture-specific number, byte sequence or rule;
nothing outside src/braze/arch/ names an architecture. Attributes set to None / methods raising
NotImplementedError here must be provided by a subclass.
"""
from __future__ import annotations


class Target:
    # ---- identity
    name: str = ""                    # shown in diagnostics ("x86-64")
    e_machine: int = 0                # ELF e_machine of inputs and output
    emulations: tuple = ()            # -m names accepted; the first is the default and the one --help lists
    # bfd's other -m names for this machine that braze refuses (name -> what it would select): its
    # output there differs (endianness, ABI, interpreter, layout), so accepting the name would mislead
    refused_emulations: dict = {}
    # --target-help: the lines bfd's emulation prints for its own options, those braze accepts only
    target_help: tuple = ()
    output_format: str = ""           # the BFD name a linker script's OUTPUT_FORMAT gives
    # --oformat: the BFD target names this machine's ld.bfd accepts (its `ld --help` "supported
    # targets"; any other name is "target X not found"), and those of them braze writes besides
    # output_format (a raw memory image: oformat.py); the rest are refused
    bfd_targets: tuple = ()
    raw_output_formats: tuple = ()
    generic_howtos: dict = {}         # what bfd's generic linker does with each relocation type (oformat.py)
    # ---- layout defaults
    image_base: int = 0               # first address of a non-PIC executable (without -Ttext-segment)
    max_page_size: int = 0x1000
    common_page_size: int = 0x1000
    tls_variant: int = 2              # 2: the thread pointer is at the end of the TLS block (x86); 1: at its start
    unwind_section_type: int | None = None   # a psABI section type .eh_frame may have besides SHT_PROGBITS
    # a psABI's st_shndx of a large common symbol (0: none): bfd allocates it like a COMMON one, in
    # large_common_section with large_common_flags (its input section name there: LARGE_COMMON)
    large_common_shndx: int = 0
    large_common_section: str = ""
    large_common_flags: int = 0
    # the target's entries of bfd's special-section table (elf_backend_special_sections), searched
    # before the generic ones: (name, 0 exact / 1 NAME or NAME.suffix / 2 prefix, sh_type, sh_flags)
    special_sections: tuple = ()
    # ---- system
    interpreter: str = ""             # default PT_INTERP
    lib_dirs: tuple = ()              # default library search directories (before --sysroot is prefixed)
    host_machines: tuple = ()         # `uname -m` of the hosts where this target's ld.bfd is the native one
                                      # (only that one looks for DT_NEEDED libraries in LD_LIBRARY_PATH)
    lib_init_symbol: str = ""         # Go's _rt0_<GOARCH>_<GOOS>_lib: the library-init entry with -shared
    # ---- relocations (numbers of this psABI)
    R_NONE = 0
    # what generated objects (libinit) and DWARF reading use (None: this target has no such type)
    R_ABS64: int | None = None
    R_ABS32: int | None = None
    R_PC32: int | None = None
    R_PLT32: int | None = None
    R_COPY: int | None = None
    R_GLOB_DAT: int | None = None
    R_JUMP_SLOT: int | None = None
    R_RELATIVE: int | None = None
    R_IRELATIVE: int | None = None
    R_DTPMOD64: int | None = None
    R_DTPOFF64: int | None = None
    R_TPOFF64: int | None = None
    R_TLSDESC: int | None = None
    # ---- GOT / PLT geometry
    got_entry_size = 8
    plt_header_size = 16
    plt_entry_size = 16
    pltgot_entry_size = 8
    plt_sh_entsize = -1               # .plt's sh_entsize in a dynamic link (-1: plt_entry_size)
    # bfd's .plt input section alignment (elf_backend_plt_alignment): a SECTIONS script's .plt gets
    # more only from its statement's ALIGN() (bfd's default scripts have the output's alignment)
    plt_input_align = 16
    ibt_pltgot_entry_size = 16
    static_iplt_entry_size = 16       # a static executable's .plt entries (IFUNC stubs only): bfd's size
    sections_scripts = True           # the SECTIONS engine lays out this target's links (checked vs bfd)
    unpaged_links = False             # -N/-n (bfd's unpaged layouts) laid out as bfd (checked vs bfd)
    lazy_plt_resume = 0               # offset in a lazy PLT entry where the lazy path starts (GOT slot's initial value)
    lazy_slot_is_plt0 = False         # a PLT slot's initial value is PLT0 itself (aarch64)
    tlsdesc_tramp_size = 16           # the lazy TLSDESC trampoline (DT_TLSDESC_PLT)
    pltgot_stubs = True               # .plt.got stubs for functions both called and loaded from the GOT
    # a dynamic output's (-static-pie too) IFUNC entries make PLT0 and are lazy entries after it
    dyn_ifunc_plt0 = False
    got_header = False                # .got[0] is reserved (for _DYNAMIC; aarch64), .got.plt[0] then 0
    # a dynamic output keeps that reserved .got word (and .got.plt's) even when nothing uses the GOT
    dyn_got_header_kept = False
    # PIC output: an absolute symbol's GOT slot gets a RELATIVE relocation too (aarch64 bfd, measured:
    # the loader then adds the load address; x86-64 bfd writes the value alone)
    pic_got_abs_relative = False
    static_gotplt_with_got = False    # a static link's .got comes with .got.plt's reserved words (aarch64 bfd)
    # the script's DATA_SEGMENT_RELRO_END offset is `SIZEOF (.got.plt) >= 24 ? 24 : 0` (x86-64); False:
    # a fixed 24 (aarch64), which puts an empty RELRO's end inside the RW segment (not modelled)
    relro_offset_from_gotplt = True
    static_got_entsize = 8            # .got's sh_entsize in a link without dynamic sections (bfd's)
    got_symbol_at_got = False         # _GLOBAL_OFFSET_TABLE_ is .got's start (aarch64), not .got.plt's
    # linker-made locals whose .symtab entry this target's bfd makes SHN_ABS in PIC output (the value
    # stays the address)
    pic_abs_linker_locals: frozenset = frozenset()
    # the mapping symbol this target's bfd writes at its PLT's start (.plt with PLT0, not a static
    # link's IFUNC stubs) as the last local of .symtab, after any veneer's; "" for none
    plt_mapping_symbol = ""
    # this target's bfd defines _TLS_MODULE_BASE_ (a local at the TLS segment's start) in every link
    # with TLS, referenced or not (aarch64); x86-64's only when something refers to it
    tls_module_base_local = False
    # the relocation types whose next relocation is the __tls_get_addr call an executable's TLS
    # relaxation rewrites with them (bfd consumes that relocation without resolving its symbol)
    tls_call_marks: frozenset = frozenset()
    glob_dat_exported_got = False     # a non-PIE's GOT slot of an exported symbol gets GLOB_DAT (aarch64, x86-64)
    # bfd sorts .rela.dyn's IRELATIVE and relocations against IFUNC symbols after the others (x86-64's
    # reloc_class_ifunc; aarch64 bfd has no such class)
    ifunc_reloc_class = False
    # the dynamic relocation types that can name a symbol in a data word, and the word's width (bfd
    # leaves the input's bytes there)
    symbolic_dyn_widths: dict = {}
    # a non-PIE's GOT loads of its own IFUNC read the IFUNC's .got.plt word unless its address must
    # compare equal (aarch64 bfd: then a .got slot holding the PLT entry's address)
    ifunc_got_via_gotplt = False
    # ... and so do a PIE's, and a library's of an IFUNC it does not export, whatever the address
    # comparisons (bfd's _bfd_elf_allocate_ifunc_dyn_relocs: "Use .got.plt in PIE", "in a PIC object
    # if it is forced local or not dynamic"; checked for x86-64 only)
    ifunc_got_via_gotplt_pic = False
    # a non-PIE's exported IFUNC that has a PLT entry is a FUNC at that entry in .dynsym and .symtab
    # (x86-64 bfd: a library's relocation against an IFUNC of the not yet relocated executable is
    # fatal in glibc's loader — "unsatisfiable circular dependency")
    pde_ifunc_export_plt = False
    # a library's exported default-visibility IFUNC stays preemptible under -Bsymbolic,
    # -Bsymbolic-functions and a dynamic list (x86-64 bfd binds it through the loader; aarch64 bfd 2.40
    # fails an assertion on -Bsymbolic with an IFUNC) -- except its GOT slot when it has no PLT entry,
    # which x86-64 bfd binds here with an IRELATIVE relocation (address.ifunc_got_binds_here)
    ifunc_ignores_symbolic = False
    # an executable's canonical PLT entry is st_value of the import only when a regular object's
    # reference is not weak (aarch64 bfd; x86-64 bfd: whenever pointer equality needs it)
    cplt_value_needs_strong_ref = False
    # a PIC output with dynamic relocations outside .rela.plt carries STT_SECTION symbols in .dynsym
    # for one text and one data output section (bfd's _bfd_elf_init_2_index_sections backends, for
    # relocations against sections; x86-64 bfd omits them all): synthetic/dynsym.index_sections
    dynsym_section_syms = False
    # a final link's .symtab starts with an STT_SECTION symbol per output section (bfd's target vector
    # keep_unused_section_symbols: true but on x86, where only --emit-relocs writes them)
    keep_section_symbols = False
    # bfd's errors for a program's copy of a library's protected data / canonical PLT entry of its
    # protected function (x86-64: both, naming the library; aarch64: the copy, without the library)
    protected_copy_error = " in {lib}"
    protected_cplt_error = True
    # an executable's initial-exec access (and GD/TLSDESC relaxed to it) of its own TLS symbol that
    # is in .dynsym keeps its GOT slot, with a dynamic TPOFF relocation naming the symbol (x86-64
    # bfd relaxes it to local-exec only when the symbol has no dynamic index; aarch64 bfd always)
    exe_dynamic_tls_ie = False
    drop_unused_cies = False          # .eh_frame CIEs no kept FDE uses are dropped (bfd: x86-64, aarch64)
    # -static before every input (no --dynamic-linker/--no-dynamic-linker, not -shared): each
    # library read is an error, -Bdynamic or not (x86 bfd; elsewhere only -Bstatic's inputs are)
    static_first_refuses_dsos = False
    tlsdesc_now_plt0 = True           # TLSDESC with -z now and no PLT entry still makes PLT0 (aarch64 bfd)
    plt_unwind = True                 # bfd writes .eh_frame FDEs for the PLT (--ld-generated-unwind-info)
    separate_code = True              # -z separate-code is the default
    missing_note_execstack = True     # an input without .note.GNU-stack (others have one) makes the stack executable
    # bfd's first input is its own stub file (aarch64's "linker stubs"): -r -z [no]execstack always makes
    # that note there (ldelf_after_open), whatever the objects have
    stub_file_first = False
    extra_linker_syms: tuple = ()     # symbols the target's default script also defines unconditionally
    # symbols the target's default scripts (executable and -shared) PROVIDE: defined only when
    # referenced, default visibility (a library exports them, preemptible, as the -shared script's _end)
    provided_syms: tuple = ()
    # ---- bfd's built-in linker script as --verbose prints it (defaultscript.py): what differs by machine
    bfd_script_tag = ""               # selects the template lines tagged with it (this machine's emulparams)
    bfd_script_head = ""              # its OUTPUT_FORMAT and OUTPUT_ARCH lines
    bfd_script_fill = ""              # what follows the `}` of .init/.text/.fini (a NOP fill), or ""
    # the alignment of the linker-made .got/.got.plt/.igot.plt bfd makes even for a static link that
    # has no GOT: empty, they still take part in sizing a SECTIONS script before being stripped (an
    # orphan after .data whose LMA, aligned, sets the LMA of the sections after it); 0: none
    static_empty_got_align = 0

    # --orphan-handling=warn|error|discard (scriptlayout.report_orphans): the linker-made sections
    # bfd's check of a static link's relocations puts in its dynobj (the first input object) before
    # it places orphans, in the order it makes them; None: not reproduced for this target (refused)
    orphan_static_dynobj: tuple | None = None
    # relocation types that make bfd create `.rela<section>` there when they name a global symbol
    # that is weak or not defined by an input object, and the one (ABS64) that does so for an IFUNC
    # in a non-code section; GOT loads bfd may first turn into such a type (refused when they would)
    orphan_pointer_relocs: frozenset = frozenset()
    orphan_abs64 = -1
    orphan_got_loads: frozenset = frozenset()
    # the linker-made sections bfd's dynobj always has in a dynamic link, that braze makes only when
    # something goes in them: [(name, sh_flags)]. Left empty they are stripped, but a script that
    # places them among other input has ORed their flags into that output section (bfd's
    # lang_add_section runs before the sizing strips them): Linux's arm64 vDSO `.rodata : { ...
    # *(.plt) }` is WAX. (scriptlayout._empty_dynobj_flags; only where checked against bfd)
    dynamic_empty_dynobj: tuple = ()
    # bfd's default textrel_check (configure's --enable-textrel-check): a warning on DT_TEXTREL in
    # a PIE or shared object (x86-64 Linux), else none unless --warn-textrel (aarch64)
    textrel_warn = True
    textrel_warns_locals = True     # bfd's text-relocation warning names one against a local symbol

    def static_empty_sections(self, ctx) -> list:
        """Other linker-made sections bfd makes, and leaves empty, in such a static link (its IFUNC
        sections): [(name, sh_flags, alignment[, sh_type])], placed as orphans that only carry the LMA
        relation on (see scriptlayout._place_empty_got); an SHT_RELA one stands for the dynobj's
        .rela.iplt/.rela.got, which bfd's orphan code puts in a `.rela.dyn`; the base: none."""
        return []
    # ---- .eh_frame for the linker-made PLT sections: the CIE and the FDE bodies (addresses patched in)
    plt_cie = b""
    lazy_plt_fde = b""
    ibt_plt_fde = b""
    pltgot_fde = b""

    def code_fill(self, n: int) -> bytes:
        """The bytes bfd pads a gap of n bytes in executable code with (its arch fill hook); the
        base: zeros, as bfd's default."""
        return bytes(n)

    def special_local_name(self, name: str) -> bool:
        """A local symbol name bfd's maybe_function_sym hook never takes for a function's (the
        target's mapping symbols); the base: none."""
        return False

    def script_fill(self, name: str) -> bytes:
        """The fill pattern bfd's default script gives output section `name` (bfd_script_fill, after
        the `}` of .init, .text and .fini), or b"": it pads the room between that section's inputs,
        where the arch fill hook (code_fill) pads other code sections' (aarch64: NOPs in .text, zeros
        in an orphan code section)."""
        fill = self.bfd_script_fill.strip().lstrip("=").strip()
        if not fill or name not in (".init", ".text", ".fini"):
            return b""
        return bytes.fromhex(fill[2:])

    def rname(self, t: int) -> str:
        """A relocation type's name for diagnostics."""
        raise NotImplementedError

    # ---- relocation passes (per input section)
    def scan_section(self, ctx, sec, rels=None) -> None:
        """Record what each relocation of `sec` needs (GOT, PLT, copy relocation, dynamic relocation)."""
        raise NotImplementedError

    def finish_weak_undefined(self, ctx) -> None:
        """Decide the executable's undefined weak references after the scan (bfd's rules)."""
        raise NotImplementedError

    def apply_relocs(self, ctx, obj, sec, rels, buf, base_off, base_addr) -> None:
        """Write the final relocated values (with relaxations) of `sec` into `buf`."""
        raise NotImplementedError

    def apply_jobs(self, ctx, buf, jobs) -> None:
        """Apply the relocations of each (input section, file offset, address) of `jobs` (writer.py)."""
        apply_relocs = self.apply_relocs
        for m, off, addr in jobs:
            apply_relocs(ctx, m.file, m, m.relocs, buf, off, addr)

    # ---- relocatable output (-r) and --emit-relocs
    emit_relaxable = frozenset()      # relocation types whose emitted form depends on a relaxation

    def reloc_field_width(self, t: int) -> int:
        """Bytes of the field a relocation of type t writes (cleared when its target was discarded)."""
        raise NotImplementedError

    def emitted_reloc(self, t: int, addend: int, before, after, off: int, pos: int) -> tuple:
        """--emit-relocs: (type, addend, offset change) bfd writes for a relocation of a type in
        emit_relaxable, given the input bytes and the relocated output (see the x86-64 one)."""
        raise NotImplementedError

    def setup(self, cfg) -> None:
        """Once the inputs are read (the target is final): this target's defaults for the options the
        command line left unset, then its own checks of the options (configure)."""
        if cfg.oformat is None and cfg.script_oformat not in (None, self.output_format):
            cfg.oformat = cfg.script_oformat    # OUTPUT_FORMAT(binary) in a script: as --oformat binary
        cfg.output_kind = self.output_kind(cfg.oformat)
        if cfg.separate_code is None:
            cfg.separate_code = self.separate_code
        max_given, common_given = cfg.max_page_size is not None, cfg.common_page_size is not None
        if not max_given:
            cfg.max_page_size = self.max_page_size
        if not common_given:
            cfg.common_page_size = self.common_page_size
        cfg.load_align = cfg.max_page_size
        if cfg.common_page_size > cfg.max_page_size:
            # bfd: the page size not given follows the given one (a larger common page size then lays
            # out by it, while PT_LOAD's p_align stays the default); both given is an error
            if not common_given:
                cfg.common_page_size = cfg.max_page_size
            elif not max_given:
                cfg.max_page_size = cfg.common_page_size
            else:
                from ..diag import LinkError
                raise LinkError(f"common page size (0x{cfg.common_page_size:x}) > maximum page size "
                                f"(0x{cfg.max_page_size:x})")
        if not self.plt_unwind:
            cfg.plt_unwind = False
        self.configure(cfg)

    def configure(self, cfg) -> None:
        """Check the options against this target once it is known (after the inputs are read)."""

    def output_kind(self, name: str | None) -> str:
        """--oformat NAME for this machine: "elf" (its own ELF format: no option, `default`, or
        output_format) or one of raw_output_formats; LinkError for any other name, in bfd's words
        where bfd refuses it too."""
        from ..diag import LinkError
        if name is None or name == "default" or name == self.output_format:
            return "elf"
        if name not in self.bfd_targets:
            raise LinkError(f"target {name} not found")
        if name in self.raw_output_formats:
            return name
        raise LinkError(f"--oformat {name} is not supported (braze writes "
                        f"{' and '.join((self.output_format,) + self.raw_output_formats)})")

    def z_option(self, cfg, kw: str) -> bool:
        """Parse a -z keyword of this machine's bfd emulation into cfg (whatever the link's machine turns
        out to be); False when kw is not one. The other machine's keywords are only warned about."""
        return False

    def warn_foreign_z(self, cfg) -> None:
        """The other machine's -z keywords: this machine's bfd warns that it ignores them."""
        from .. import diag
        for name, kw in cfg.z_machine:
            if name != self.name:
                diag.warn(f"-z {kw} ignored")

    def finish_scan(self, ctx) -> None:
        """After GOT/PLT/copy allocation: last adjustments of the dynamic relocations."""

    def post_write(self, ctx, buf) -> None:
        """After the linker-made sections read the relocated image back (.rela.dyn's RELATIVE
        addends): this machine's last changes to the image."""

    # ---- range-extension thunks (veneers)
    def add_thunks(self, ctx) -> bool:
        """After a layout pass: add the branch thunks the current addresses need (growing code output
        sections); True makes layout run again, until nothing is added."""
        return False

    def finish_thunks(self, ctx) -> None:
        """Once layout is stable (after add_thunks added any): the thunks' final form and symbols."""

    # st_other bits besides the visibility that bfd keeps on a global symbol (the OR over its
    # definitions and references) and writes to .symtab and .dynsym (aarch64: STO_AARCH64_VARIANT_PCS)
    sto_flags_mask: int = 0

    # ---- .note.gnu.property
    def merge_properties(self, ctx) -> list:
        """[(pr_type, value)] of the output's GNU property note, merged from the inputs (none here)."""
        return []

    def map_property_notes(self, ctx, notes: list):
        """-Map's "Merging program properties" lines and the ids of the objects whose property note is
        discarded, from NOTES [(object, {pr_type: value} or None)]; None when this target has no
        such report."""
        return None

    def finish_properties(self, ctx) -> None:
        """After allocate_got_plt: what the copy relocations and canonical PLT entries change in the
        output's property note (x86: GNU_PROPERTY_1_NEEDED's indirect-access bit)."""

    def use_ibt_plt(self, ctx) -> bool:
        """Use the indirect-branch-tracking PLT layout (after merge_properties)."""
        return False

    def plt_code(self, ctx):
        """After merge_properties: what writes this link's .plt and gives its geometry (plt_header_size,
        plt_entry_size, static_iplt_entry_size, tlsdesc_tramp_size, write_plt0, write_plt_entry,
        write_iplt_entry, write_tlsdesc_tramp): the target itself, unless the link needs another
        form of the PLT (aarch64's BTI/PAC PLTs)."""
        return self

    def dynamic_tags(self, ctx) -> list:
        """[(tag, value)] this machine's bfd adds to .dynamic after DT_RELAENT (its backend's tags)."""
        return []

    # ---- TLS
    def thread_pointer(self, tls_start: int, memsz: int, align: int) -> int:
        raise NotImplementedError

    # ---- PLT writers (buf, file offset, address, ...)
    def write_plt0(self, buf, off: int, addr: int, gotplt: int) -> None:
        raise NotImplementedError

    def write_plt_entry(self, buf, off: int, addr: int, slot: int, index: int, plt0: int) -> None:
        raise NotImplementedError

    def write_iplt_entry(self, buf, off: int, addr: int, slot: int) -> None:
        raise NotImplementedError

    def write_pltgot_entry(self, buf, off: int, addr: int, slot: int) -> None:
        raise NotImplementedError

    def write_ibt_plt_entry(self, buf, off: int, addr: int, reloc_index: int, plt0: int) -> None:
        raise NotImplementedError

    def write_ibt_jmp_entry(self, buf, off: int, addr: int, slot: int) -> None:
        raise NotImplementedError

    def write_tlsdesc_tramp(self, buf, off: int, addr: int, gotplt: int, tlsdesc_got: int) -> None:
        raise NotImplementedError

    # ---- --lib-main
    def lib_main_code(self, msg_len: int):
        """Code of the library-init entry that starts SYM on a thread: (bytes, relocations, entry size,
        start routine offset); relocations are (offset, type, symbol index, addend)."""
        raise NotImplementedError
