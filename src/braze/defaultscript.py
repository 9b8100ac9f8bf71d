"""bfd 2.40's built-in linker script, byte for byte as `ld --verbose` prints it, for every variant.

bfd generates its scripts from one template (ld/scripttempl/elf.sc) per machine and option set
(the EMULATION.x* family of files) and picks one from -pie/-shared/-r/-Ur, -z combreloc,
-z separate-code and -z relro -z now (`_features`). `_TEMPLATE` holds the union of those texts,
each line tagged with when it appears (checked against ld.bfd and aarch64-linux-gnu-ld --verbose for
every variant by tests/test_scripts_default.py). --verbose prints it; INSERT scripts are merged into
its SECTIONS (insertscript.py). braze's default layout (layout.py) is not read from it: it implements
what this script does for the same options directly, for speed."""
from __future__ import annotations

# `tags|line`: the line is in the script when every tag holds (`!tag`: when it does not); tags are the
# keys of `_features` and the Target's bfd_script_tag; @HEAD@/@DIRS@/@BASE@/@FILL@ come from the Target
_TEMPLATE = """\
|/* Copyright (C) 2014-2023 Free Software Foundation, Inc.
|   Copying and distribution of this script, with or without modification,
|   are permitted in any medium without royalty provided the copyright
|   notice and this notice are preserved.  */
|@HEAD@
!rel|ENTRY(_start)
!rel|@DIRS@
rel| /* For some reason, the Solaris linker makes bad executables
rel|  if gld -r is used and the intermediate file has sections starting
rel|  at non-zero addresses.  Could be a Solaris ld bug, could be a GNU ld
rel|  bug.  But for now assigning the zero vmas works.  */
|SECTIONS
|{
!sep !rel|  /* Read-only sections, merged into text segment: */
exe !rel|  PROVIDE (__executable_start = SEGMENT_START("text-segment", @BASE@)); . = SEGMENT_START("text-segment", @BASE@) + SIZEOF_HEADERS;
pie|  PROVIDE (__executable_start = SEGMENT_START("text-segment", 0)); . = SEGMENT_START("text-segment", 0) + SIZEOF_HEADERS;
!shared !rel|  .interp         : { *(.interp) }
shared|  . = SEGMENT_START("text-segment", 0) + SIZEOF_HEADERS;
!rel|  .note.gnu.build-id  : { *(.note.gnu.build-id) }
!rel|  .hash           : { *(.hash) }
!rel|  .gnu.hash       : { *(.gnu.hash) }
!rel|  .dynsym         : { *(.dynsym) }
!rel|  .dynstr         : { *(.dynstr) }
!rel|  .gnu.version    : { *(.gnu.version) }
!rel|  .gnu.version_d  : { *(.gnu.version_d) }
!rel|  .gnu.version_r  : { *(.gnu.version_r) }
comb|  .rela.dyn       :
comb|    {
comb|      *(.rela.init)
comb|      *(.rela.text .rela.text.* .rela.gnu.linkonce.t.*)
comb|      *(.rela.fini)
comb|      *(.rela.rodata .rela.rodata.* .rela.gnu.linkonce.r.*)
comb|      *(.rela.data .rela.data.* .rela.gnu.linkonce.d.*)
comb|      *(.rela.tdata .rela.tdata.* .rela.gnu.linkonce.td.*)
comb|      *(.rela.tbss .rela.tbss.* .rela.gnu.linkonce.tb.*)
comb|      *(.rela.ctors)
comb|      *(.rela.dtors)
comb|      *(.rela.got)
comb|      *(.rela.bss .rela.bss.* .rela.gnu.linkonce.b.*)
x86 comb|      *(.rela.ldata .rela.ldata.* .rela.gnu.linkonce.l.*)
x86 comb|      *(.rela.lbss .rela.lbss.* .rela.gnu.linkonce.lb.*)
x86 comb|      *(.rela.lrodata .rela.lrodata.* .rela.gnu.linkonce.lr.*)
comb|      *(.rela.ifunc)
comb|    }
!comb !rel|  .rela.init      : { *(.rela.init) }
!comb !rel|  .rela.text      : { *(.rela.text .rela.text.* .rela.gnu.linkonce.t.*) }
!comb !rel|  .rela.fini      : { *(.rela.fini) }
!comb !rel|  .rela.rodata    : { *(.rela.rodata .rela.rodata.* .rela.gnu.linkonce.r.*) }
!comb !rel|  .rela.data.rel.ro   : { *(.rela.data.rel.ro .rela.data.rel.ro.* .rela.gnu.linkonce.d.rel.ro.*) }
!comb !rel|  .rela.data      : { *(.rela.data .rela.data.* .rela.gnu.linkonce.d.*) }
!comb !rel|  .rela.tdata\t  : { *(.rela.tdata .rela.tdata.* .rela.gnu.linkonce.td.*) }
!comb !rel|  .rela.tbss\t  : { *(.rela.tbss .rela.tbss.* .rela.gnu.linkonce.tb.*) }
!comb !rel|  .rela.ctors     : { *(.rela.ctors) }
!comb !rel|  .rela.dtors     : { *(.rela.dtors) }
!comb !rel|  .rela.got       : { *(.rela.got) }
!comb !rel|  .rela.bss       : { *(.rela.bss .rela.bss.* .rela.gnu.linkonce.b.*) }
x86 !comb !rel|  .rela.ldata     : { *(.rela.ldata .rela.ldata.* .rela.gnu.linkonce.l.*) }
x86 !comb !rel|  .rela.lbss      : { *(.rela.lbss .rela.lbss.* .rela.gnu.linkonce.lb.*) }
x86 !comb !rel|  .rela.lrodata   : { *(.rela.lrodata .rela.lrodata.* .rela.gnu.linkonce.lr.*) }
!comb !rel|  .rela.ifunc     : { *(.rela.ifunc) }
!rel|  .rela.plt       :
rel|  .interp       0 : { *(.interp) }
rel|  .note.gnu.build-id 0: { *(.note.gnu.build-id) }
rel|  .hash         0 : { *(.hash) }
rel|  .gnu.hash     0 : { *(.gnu.hash) }
rel|  .dynsym       0 : { *(.dynsym) }
rel|  .dynstr       0 : { *(.dynstr) }
rel|  .gnu.version  0 : { *(.gnu.version) }
rel|  .gnu.version_d 0: { *(.gnu.version_d) }
rel|  .gnu.version_r 0: { *(.gnu.version_r) }
rel|  .rela.init    0 : { *(.rela.init) }
rel|  .rela.text    0 : { *(.rela.text) }
rel|  .rela.fini    0 : { *(.rela.fini) }
rel|  .rela.rodata  0 : { *(.rela.rodata) }
rel|  .rela.data.rel.ro 0 : { *(.rela.data.rel.ro) }
rel|  .rela.data    0 : { *(.rela.data) }
rel|  .rela.tdata\t0 : { *(.rela.tdata) }
rel|  .rela.tbss\t0 : { *(.rela.tbss) }
rel|  .rela.ctors   0 : { *(.rela.ctors) }
rel|  .rela.dtors   0 : { *(.rela.dtors) }
rel|  .rela.got     0 : { *(.rela.got) }
rel|  .rela.bss     0 : { *(.rela.bss) }
x86 rel|  .rela.ldata   0 : { *(.rela.ldata) }
x86 rel|  .rela.lbss    0 : { *(.rela.lbss) }
x86 rel|  .rela.lrodata 0 : { *(.rela.lrodata) }
rel|  .rela.ifunc   0 : { *(.rela.ifunc) }
rel|  .rela.plt     0 :
|    {
|      *(.rela.plt)
exe !rel|      PROVIDE_HIDDEN (__rela_iplt_start = .);
!rel|      *(.rela.iplt)
exe !rel|      PROVIDE_HIDDEN (__rela_iplt_end = .);
|    }
x86|  .relr.dyn : { *(.relr.dyn) }
sep|  . = ALIGN(CONSTANT (MAXPAGESIZE));
!rel|  .init           :
rel|  .init         0 :
|  {
|    KEEP (*(SORT_NONE(.init)))
|  }@FILL@
x86 !rel|  .plt            : { *(.plt) *(.iplt) }
x86 !rel|.plt.got        : { *(.plt.got) }
x86 !rel|.plt.sec        : { *(.plt.sec) }
a64 !rel|  .plt            : ALIGN(16) { *(.plt) *(.iplt) }
!rel|  .text           :
x86 rel|  .plt          0 : { *(.plt) }
x86 rel|.plt.got      0 : { *(.plt.got) }
x86 rel|.plt.sec      0 : { *(.plt.sec) }
a64 rel|  .plt          0 : ALIGN(16) { *(.plt) }
rel|  .text         0 :
|  {
!rel|    *(.text.unlikely .text.*_unlikely .text.unlikely.*)
!rel|    *(.text.exit .text.exit.*)
!rel|    *(.text.startup .text.startup.*)
!rel|    *(.text.hot .text.hot.*)
!rel|    *(SORT(.text.sorted.*))
!rel|    *(.text .stub .text.* .gnu.linkonce.t.*)
rel|    *(.text .stub)
|    /* .gnu.warning sections are handled specially by elf.em.  */
|    *(.gnu.warning)
|  }@FILL@
!rel|  .fini           :
rel|  .fini         0 :
|  {
|    KEEP (*(SORT_NONE(.fini)))
|  }@FILL@
!rel|  PROVIDE (__etext = .);
!rel|  PROVIDE (_etext = .);
!rel|  PROVIDE (etext = .);
sep|  . = ALIGN(CONSTANT (MAXPAGESIZE));
sep|  /* Adjust the address for the rodata segment.  We want to adjust up to
sep|     the same address within the page on the next page up.  */
sep|  . = SEGMENT_START("rodata-segment", ALIGN(CONSTANT (MAXPAGESIZE)) + (. & (CONSTANT (MAXPAGESIZE) - 1)));
!rel|  .rodata         : { *(.rodata .rodata.* .gnu.linkonce.r.*) }
!rel|  .rodata1        : { *(.rodata1) }
!rel|  .eh_frame_hdr   : { *(.eh_frame_hdr) *(.eh_frame_entry .eh_frame_entry.*) }
!rel|  .eh_frame       : ONLY_IF_RO { KEEP (*(.eh_frame)) *(.eh_frame.*) }
!rel|  .sframe         : ONLY_IF_RO { *(.sframe) *(.sframe.*) }
!rel|  .gcc_except_table   : ONLY_IF_RO { *(.gcc_except_table .gcc_except_table.*) }
!rel|  .gnu_extab   : ONLY_IF_RO { *(.gnu_extab*) }
rel|  .rodata       0 : { *(.rodata) }
rel|  .rodata1      0 : { *(.rodata1) }
rel|  .eh_frame_hdr 0 : { *(.eh_frame_hdr) }
rel|  .eh_frame     0 : ONLY_IF_RO { KEEP (*(.eh_frame)) }
rel|  .sframe       0 : ONLY_IF_RO { *(.sframe) }
rel|  .gcc_except_table 0 : ONLY_IF_RO { *(.gcc_except_table) }
rel|  .gnu_extab 0 : ONLY_IF_RO { *(.gnu_extab*) }
|  /* These sections are generated by the Sun/Oracle C++ compiler.  */
!rel|  .exception_ranges   : ONLY_IF_RO { *(.exception_ranges*) }
!rel|  /* Adjust the address for the data segment.  We want to adjust up to
!rel|     the same address within the page on the next page up.  */
!rel !N|  . = DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE));
N|  . = .;
rel|  .exception_ranges 0 : ONLY_IF_RO { *(.exception_ranges) }
|  /* Exception handling  */
!rel|  .eh_frame       : ONLY_IF_RW { KEEP (*(.eh_frame)) *(.eh_frame.*) }
!rel|  .sframe         : ONLY_IF_RW { *(.sframe) *(.sframe.*) }
!rel|  .gnu_extab      : ONLY_IF_RW { *(.gnu_extab) }
!rel|  .gcc_except_table   : ONLY_IF_RW { *(.gcc_except_table .gcc_except_table.*) }
!rel|  .exception_ranges   : ONLY_IF_RW { *(.exception_ranges*) }
rel|  .eh_frame     0 : ONLY_IF_RW { KEEP (*(.eh_frame)) }
rel|  .sframe       0 : ONLY_IF_RW { *(.sframe) }
rel|  .gnu_extab    0 : ONLY_IF_RW { *(.gnu_extab) }
rel|  .gcc_except_table 0 : ONLY_IF_RW { *(.gcc_except_table) }
rel|  .exception_ranges 0 : ONLY_IF_RW { *(.exception_ranges) }
|  /* Thread Local Storage sections  */
!rel|  .tdata\t  :
rel|  .tdata\t0 :
|   {
!shared !rel|     PROVIDE_HIDDEN (__tdata_start = .);
!rel|     *(.tdata .tdata.* .gnu.linkonce.td.*)
rel|     *(.tdata)
|   }
!rel|  .tbss\t\t  : { *(.tbss .tbss.* .gnu.linkonce.tb.*) *(.tcommon) }
!rel|  .preinit_array    :
rel|  .tbss\t\t0 : { *(.tbss) }
rel|  .jcr          0 : { KEEP (*(.jcr)) }
rel|  .dynamic      0 : { *(.dynamic) }
rel|  .got          0 : { *(.got) }
rel|  .got.plt      0 : { *(.got.plt) }
rel|  .data         0 :
|  {
!shared !rel|    PROVIDE_HIDDEN (__preinit_array_start = .);
!rel|    KEEP (*(.preinit_array))
!shared !rel|    PROVIDE_HIDDEN (__preinit_array_end = .);
r|    *(.data)
!Ur|  }
!rel|  .init_array    :
!rel|  {
!shared !rel|    PROVIDE_HIDDEN (__init_array_start = .);
!rel|    KEEP (*(SORT_BY_INIT_PRIORITY(.init_array.*) SORT_BY_INIT_PRIORITY(.ctors.*)))
!rel|    KEEP (*(.init_array EXCLUDE_FILE (*crtbegin.o *crtbegin?.o *crtend.o *crtend?.o ) .ctors))
!shared !rel|    PROVIDE_HIDDEN (__init_array_end = .);
!rel|  }
!rel|  .fini_array    :
!rel|  {
!shared !rel|    PROVIDE_HIDDEN (__fini_array_start = .);
!rel|    KEEP (*(SORT_BY_INIT_PRIORITY(.fini_array.*) SORT_BY_INIT_PRIORITY(.dtors.*)))
!rel|    KEEP (*(.fini_array EXCLUDE_FILE (*crtbegin.o *crtbegin?.o *crtend.o *crtend?.o ) .dtors))
!shared !rel|    PROVIDE_HIDDEN (__fini_array_end = .);
!rel|  }
!rel|  .ctors          :
!rel|  {
!rel|    /* gcc uses crtbegin.o to find the start of
!rel|       the constructors, so we make sure it is
!rel|       first.  Because this is a wildcard, it
!rel|       doesn't matter if the user does not
!rel|       actually link against crtbegin.o; the
!rel|       linker won't look for a file to match a
!rel|       wildcard.  The wildcard also means that it
!rel|       doesn't matter which directory crtbegin.o
!rel|       is in.  */
!rel|    KEEP (*crtbegin.o(.ctors))
!rel|    KEEP (*crtbegin?.o(.ctors))
!rel|    /* We don't want to include the .ctor section from
!rel|       the crtend.o file until after the sorted ctors.
!rel|       The .ctor section from the crtend file contains the
!rel|       end of ctors marker and it must be last */
!rel|    KEEP (*(EXCLUDE_FILE (*crtend.o *crtend?.o ) .ctors))
!rel|    KEEP (*(SORT(.ctors.*)))
!rel|    KEEP (*(.ctors))
!rel|  }
!rel|  .dtors          :
!rel|  {
!rel|    KEEP (*crtbegin.o(.dtors))
!rel|    KEEP (*crtbegin?.o(.dtors))
!rel|    KEEP (*(EXCLUDE_FILE (*crtend.o *crtend?.o ) .dtors))
!rel|    KEEP (*(SORT(.dtors.*)))
!rel|    KEEP (*(.dtors))
!rel|  }
!rel|  .jcr            : { KEEP (*(.jcr)) }
!rel|  .data.rel.ro : { *(.data.rel.ro.local* .gnu.linkonce.d.rel.ro.local.*) *(.data.rel.ro .data.rel.ro.* .gnu.linkonce.d.rel.ro.*) }
!rel|  .dynamic        : { *(.dynamic) }
!now !rel|  .got            : { *(.got) *(.igot) }
x86 !now !rel !N|  . = DATA_SEGMENT_RELRO_END (SIZEOF (.got.plt) >= 24 ? 24 : 0, .);
a64 !now !rel !N|  . = DATA_SEGMENT_RELRO_END (24, .);
!now !rel|  .got.plt        : { *(.got.plt) *(.igot.plt) }
now|  .got            : { *(.got.plt) *(.igot.plt) *(.got) *(.igot) }
now|  . = DATA_SEGMENT_RELRO_END (0, .);
!rel|  .data           :
!rel|  {
a64 !rel|    PROVIDE (__data_start = .);
!rel|    *(.data .data.* .gnu.linkonce.d.*)
Ur|    *(.data)
!r|    SORT(CONSTRUCTORS)
!r|  }
!rel|  .data1          : { *(.data1) }
!shared !rel|  _edata = .; PROVIDE (edata = .);
shared|  PROVIDE (_edata = .); PROVIDE (edata = .);
!rel|  . = .;
!shared !rel|  __bss_start = .;
a64 !shared !rel|  __bss_start__ = .;
shared|  PROVIDE (__bss_start = .);
a64 shared|  PROVIDE (__bss_start__ = .);
!rel|  .bss            :
rel|  .data1        0 : { *(.data1) }
rel|  .bss          0 :
|  {
!rel|   *(.dynbss)
!rel|   *(.bss .bss.* .gnu.linkonce.b.*)
!rel|   *(COMMON)
!rel|   /* Align here to ensure that the .bss section occupies space up to
!rel|      _end.  Align after .bss to ensure correct alignment even if the
!rel|      .bss section disappears because there are no input sections.
!rel|      FIXME: Why do we need it? When there is no .bss section, we do not
!rel|      pad the .data section.  */
!rel|   . = ALIGN(. != 0 ? 64 / 8 : 1);
rel|   *(.bss)
|  }
x86 !rel|  .lbss   :
x86 rel|  .lbss 0 :
x86|  {
x86 !rel|    *(.dynlbss)
x86 !rel|    *(.lbss .lbss.* .gnu.linkonce.lb.*)
x86 !rel|    *(LARGE_COMMON)
x86 rel|    *(.lbss)
x86|  }
a64 !shared !rel|  _bss_end__ = .; __bss_end__ = .;
a64 shared|  PROVIDE (_bss_end__ = .); PROVIDE (__bss_end__ = .);
!rel|  . = ALIGN(64 / 8);
!rel|  . = SEGMENT_START("ldata-segment", .);
x86 !rel|  .lrodata   ALIGN(CONSTANT (MAXPAGESIZE)) + (. & (CONSTANT (MAXPAGESIZE) - 1)) :
x86 rel|  .lrodata 0  :
x86|  {
x86 !rel|    *(.lrodata .lrodata.* .gnu.linkonce.lr.*)
x86 rel|    *(.lrodata)
x86|  }
x86 !rel|  .ldata   ALIGN(CONSTANT (MAXPAGESIZE)) + (. & (CONSTANT (MAXPAGESIZE) - 1)) :
x86 rel|  .ldata 0  :
x86|  {
x86 !rel|    *(.ldata .ldata.* .gnu.linkonce.l.*)
x86 !rel|    . = ALIGN(. != 0 ? 64 / 8 : 1);
x86 rel|    *(.ldata)
x86|  }
!rel|  . = ALIGN(64 / 8);
a64 !shared !rel|  __end__ = .;
!shared !rel|  _end = .; PROVIDE (end = .);
a64 shared|  PROVIDE (__end__ = .);
shared|  PROVIDE (_end = .); PROVIDE (end = .);
!rel !N|  . = DATA_SEGMENT_END (.);
|  /* Stabs debugging sections.  */
|  .stab          0 : { *(.stab) }
|  .stabstr       0 : { *(.stabstr) }
|  .stab.excl     0 : { *(.stab.excl) }
|  .stab.exclstr  0 : { *(.stab.exclstr) }
|  .stab.index    0 : { *(.stab.index) }
|  .stab.indexstr 0 : { *(.stab.indexstr) }
|  .comment       0 : { *(.comment) }
!rel|  .gnu.build.attributes : { *(.gnu.build.attributes .gnu.build.attributes.*) }
rel|  .gnu.build.attributes : { *(.gnu.build.attributes) }
|  /* DWARF debug sections.
|     Symbols in the DWARF debugging sections are relative to the beginning
|     of the section so we begin them at 0.  */
|  /* DWARF 1.  */
|  .debug          0 : { *(.debug) }
|  .line           0 : { *(.line) }
|  /* GNU DWARF 1 extensions.  */
|  .debug_srcinfo  0 : { *(.debug_srcinfo) }
|  .debug_sfnames  0 : { *(.debug_sfnames) }
|  /* DWARF 1.1 and DWARF 2.  */
|  .debug_aranges  0 : { *(.debug_aranges) }
|  .debug_pubnames 0 : { *(.debug_pubnames) }
|  /* DWARF 2.  */
!rel|  .debug_info     0 : { *(.debug_info .gnu.linkonce.wi.*) }
rel|  .debug_info     0 : { *(.debug_info) }
|  .debug_abbrev   0 : { *(.debug_abbrev) }
!rel|  .debug_line     0 : { *(.debug_line .debug_line.* .debug_line_end) }
rel|  .debug_line     0 : { *(.debug_line) }
|  .debug_frame    0 : { *(.debug_frame) }
|  .debug_str      0 : { *(.debug_str) }
|  .debug_loc      0 : { *(.debug_loc) }
|  .debug_macinfo  0 : { *(.debug_macinfo) }
|  /* SGI/MIPS DWARF 2 extensions.  */
|  .debug_weaknames 0 : { *(.debug_weaknames) }
|  .debug_funcnames 0 : { *(.debug_funcnames) }
|  .debug_typenames 0 : { *(.debug_typenames) }
|  .debug_varnames  0 : { *(.debug_varnames) }
|  /* DWARF 3.  */
|  .debug_pubtypes 0 : { *(.debug_pubtypes) }
|  .debug_ranges   0 : { *(.debug_ranges) }
|  /* DWARF 5.  */
|  .debug_addr     0 : { *(.debug_addr) }
|  .debug_line_str 0 : { *(.debug_line_str) }
|  .debug_loclists 0 : { *(.debug_loclists) }
|  .debug_macro    0 : { *(.debug_macro) }
|  .debug_names    0 : { *(.debug_names) }
|  .debug_rnglists 0 : { *(.debug_rnglists) }
|  .debug_str_offsets 0 : { *(.debug_str_offsets) }
|  .debug_sup      0 : { *(.debug_sup) }
x86|  .gnu.attributes 0 : { KEEP (*(.gnu.attributes)) }
a64|  .ARM.attributes 0 : { KEEP (*(.ARM.attributes)) KEEP (*(.gnu.attributes)) }
a64|  .note.gnu.arm.ident 0 : { KEEP (*(.note.gnu.arm.ident)) }
!rel|  /DISCARD/ : { *(.note.GNU-stack) *(.gnu_debuglink) *(.gnu.lto_*) }
|}
|
|
"""


def _target(cfg):
    """-m's emulation, else the default target."""
    from .arch import default_target, target_for_emulation
    return target_for_emulation(cfg.emulation) if cfg.emulation else default_target()


def _features(cfg, target) -> dict:
    """Which of bfd's scripts this link's options select (bfd's elf.em get_script, as measured)."""
    rel = bool(cfg.relocatable)
    shared = bool(cfg.shared) and not rel
    pie = bool(cfg.pie) and not shared and not rel
    sep = cfg.separate_code if cfg.separate_code is not None else target.separate_code
    sep = bool(sep) and not rel
    comb = bool(cfg.z_combreloc) and not rel
    # bfd 2.40 takes its -z relro -z now script for -z now even with -z norelro when code is separate
    now = comb and bool(cfg.now) and (bool(cfg.relro) or sep)
    ur = rel and bool(getattr(cfg, "ur", False))
    # -N (writable text) and -n (unpaged) pick their own script before any other but -r's: the
    # plain executable one without -z combreloc/separate-code; -N's also without DATA_SEGMENT_*
    omagic = not rel and bool(cfg.text_rw)
    nmagic = not rel and not omagic and not cfg.paged
    if omagic or nmagic:
        shared = pie = sep = comb = now = False
    return {"rel": rel, "r": rel and not ur, "Ur": ur, "exe": not (shared or pie), "pie": pie,
            "shared": shared, "sep": sep, "comb": comb, "now": now, "N": omagic, "n": nmagic,
            target.bfd_script_tag: True}


def _title(f) -> str:
    if f["rel"]:
        return "/* Script for -Ur */" if f["Ur"] else "/* Script for -r */"
    if f["N"] or f["n"]:
        return "/* Script for -N */" if f["N"] else "/* Script for -n */"
    opts = [o for o, k in (("-pie", "pie"), ("-shared", "shared"), ("-z combreloc", "comb"),
                           ("-z separate-code", "sep"), ("-z relro -z now", "now")) if f[k]]
    return f"/* Script for {' '.join(opts)} */" if opts else "/* Default linker script, for normal executables */"


def bfd_script(cfg) -> str:
    """The whole script bfd uses for this link's options (what --verbose prints between its `=` lines)."""
    t = _target(cfg)
    f = _features(cfg, t)
    out = [_title(f)]
    for line in _TEMPLATE.splitlines():
        tags, text = line.split("|", 1)
        if all(f.get(k[1:], False) is False if k[0] == "!" else f.get(k, False) for k in tags.split()):
            out.append(text)
    dirs = " ".join(f'SEARCH_DIR("={d}");' for d in t.lib_dirs)
    return ("\n".join(out).replace("@HEAD@", t.bfd_script_head).replace("@DIRS@", dirs)
            .replace("@BASE@", hex(t.image_base)).replace("@FILL@", t.bfd_script_fill))


def sections_text(cfg) -> str:
    """The script's SECTIONS command alone (what INSERT scripts are merged into)."""
    text = bfd_script(cfg)
    return text[text.index("SECTIONS\n{"):] + "\n"


def verbose_text(cfg) -> str:
    """What --verbose prints before linking: the script in use, as bfd prints it: each -T script as it
    is opened, then the last one read without INSERT (an INSERT script hands back the one before it),
    else the internal script. -dT counts only without -T (bfd reads it in place of its default)."""
    import re
    every = [x for x in cfg.inputs if getattr(x, "tscript", False)]
    tscripts = [x for x in every if not getattr(x, "dscript", False)] or every
    sep = "=" * 50 + "\n"
    opened = ""
    main = None
    for x in tscripts:
        try:
            with open(x.value, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except (OSError, TypeError):
            return ""
        opened += f"opened script file {x.value}\n"
        if not re.search(r"\bINSERT\s+(AFTER|BEFORE)\b", text):
            main = text
    if main is not None:
        return f"{opened}using external linker script:\n{sep}{main}\n{sep}"
    if tscripts:
        # bfd: a script with INSERT augments the internal script, which it then prints
        return f"{opened}using internal linker script:\n{sep}{bfd_script(cfg)}\n{sep}"
    return f"using internal linker script:\n{sep}{bfd_script(cfg)}\n{sep}"
