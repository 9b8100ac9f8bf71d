"""The link configuration: everything the command line says, as plain data."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class InputSpec:
    """One positional input in command-line order, with the option state in force where it appeared."""
    kind: str                 # 'file' | 'lib' (-l) | 'group_start' | 'group_end'
    value: str = ""
    as_needed: bool = False
    whole_archive: bool = False
    static: bool = False      # -Bstatic in force: -l finds only .a


@dataclass
class Config:
    output: str = "a.out"
    inputs: list[InputSpec] = field(default_factory=list)
    library_paths: list[str] = field(default_factory=list)
    entry: str | None = None
    shared: bool = False
    pie: bool = False
    static: bool = False          # -static given: no dynamic sections unless -pie/-shared
    dynamic_linker: str | None = None
    no_dynamic_linker: bool = False
    build_id: str | None = None   # 'sha1' | 'md5' | 'uuid' | '0x...' | None
    eh_frame_hdr: bool = False
    hash_style: str = "both"      # plain ld default; gcc passes gnu
    relro: bool = True
    now: bool = False
    execstack: bool | None = None
    separate_code: bool = True
    z_defs: bool = False
    z_text: bool = False
    z_nodelete: bool = False
    z_nodlopen: bool = False
    z_origin: bool = False
    z_initfirst: bool = False
    z_interpose: bool = False
    z_nocopyreloc: bool = False
    z_ibtplt: bool = False
    z_muldefs: bool = False
    max_page_size: int = 0x1000
    common_page_size: int = 0x1000
    rpath: list[str] = field(default_factory=list)
    rpath_link: list[str] = field(default_factory=list)
    new_dtags: bool = True
    soname: str | None = None
    export_dynamic: bool = False
    dynamic_list: list[str] = field(default_factory=list)
    strip_all: bool = False
    strip_debug: bool = False
    discard_locals: bool = False
    discard_all: bool = False
    gc_sections: bool = False
    print_gc_sections: bool = False
    map_file: str | None = None
    sort_common: bool = False
    nostdlib: bool = False
    no_undefined: bool = False
    allow_shlib_undefined: bool | None = None
    unresolved_symbols: str = "report-all"
    defsyms: list[tuple[str, str]] = field(default_factory=list)
    wraps: list[str] = field(default_factory=list)
    undefined: list[str] = field(default_factory=list)
    compress_debug_sections: str = "none"
    time: bool = False
    verbose: bool = False
    trace: bool = False
    relax: bool = True
    fatal_warnings: bool = False
    warn_common: bool = False
    bsymbolic: bool = False
    bsymbolic_functions: bool = False
    init: str = "_init"
    fini: str = "_fini"
    version_scripts: list[str] = field(default_factory=list)
    default_symver: bool = False
    no_undefined_version: bool = False
    lib_main: str | None = None
    init_entry: str | None = "_rt0_amd64_linux_lib"
    init_entry_explicit: bool = False     # --init-entry given: an undefined SYM is an error
    section_starts: dict[str, int] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)
    sysroot: str = ""
    emulation: str = "elf_x86_64"
    eh_frame_hdr_explicit: bool = False
    copy_dt_needed: bool = False
    threads: int = 1

    @property
    def is_dynamic_exe(self) -> bool:
        return not self.shared and not self.static

    @property
    def pic(self) -> bool:
        """Output is position independent (PIE, static-pie or shared)."""
        return self.pie or self.shared
