"""The layout braze uses without -T, written as a linker script (what `--verbose` prints).

The default layout is not interpreted from this text (layout.py implements it directly, for speed);
this is its description in the script language, section for section in layout.py's order (passes._RANKS),
with the symbols it defines (layout.define_symbols). It is what ld.bfd's built-in -z separate-code
script says in substance; orphans are placed by kind (code after .text, read-only data after .rodata,
writable data after .data, NOBITS after .bss)."""
from __future__ import annotations


def default_script(cfg) -> str:
    base = "0" if cfg.pic else hex(_target(cfg).image_base)
    seg = "SEGMENT_START(\"text-segment\", " + base + ")"
    dirs = " ".join(f'SEARCH_DIR("={d}");' for d in _dirs(cfg))
    relro_note = "  /* RELRO: from .tdata to .got; .got.plt's first 3 words too with lazy binding */\n" \
        if cfg.relro else ""
    return f"""/* braze's default layout (-z separate-code{', -z relro' if cfg.relro else ''}) */
OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)
{dirs}
SECTIONS
{{
  PROVIDE (__executable_start = {seg}); . = {seg} + SIZEOF_HEADERS;
  .interp : {{ *(.interp) }}
  /* notes (.note.gnu.property, .note.gnu.build-id, .note.ABI-tag...) are orphans placed here */
  .hash : {{ *(.hash) }}
  .gnu.hash : {{ *(.gnu.hash) }}
  .dynsym : {{ *(.dynsym) }}
  .dynstr : {{ *(.dynstr) }}
  .gnu.version : {{ *(.gnu.version) }}
  .gnu.version_d : {{ *(.gnu.version_d) }}
  .gnu.version_r : {{ *(.gnu.version_r) }}
  .rela.dyn : {{ *(.rela.init) *(.rela.text .rela.text.*) *(.rela.rodata .rela.rodata.*)
                *(.rela.data.rel.ro .rela.data.rel.ro.*) *(.rela.got) *(.rela.data .rela.data.*)
                *(.rela.tdata .rela.tdata.*) *(.rela.tbss .rela.tbss.*) *(.rela.bss .rela.bss.*)
                *(.rela.ifunc) }}
  .rela.plt : {{ *(.rela.plt) PROVIDE_HIDDEN (__rela_iplt_start = .); *(.rela.iplt)
                PROVIDE_HIDDEN (__rela_iplt_end = .); }}
  .relr.dyn : {{ *(.relr.dyn) }}
  . = ALIGN(CONSTANT (MAXPAGESIZE));
  .init : {{ KEEP (*(SORT_NONE(.init))) }}
  .plt : {{ *(.plt) *(.iplt) }}
  .plt.got : {{ *(.plt.got) }}
  .plt.sec : {{ *(.plt.sec) }}
  .text : {{ *(.text.unlikely .text.*_unlikely .text.unlikely.*) *(.text.exit .text.exit.*)
             *(.text.startup .text.startup.*) *(.text.hot .text.hot.*) *(SORT(.text.sorted.*))
             *(.text .stub .text.*) }}
  .fini : {{ KEEP (*(SORT_NONE(.fini))) }}
  PROVIDE (__etext = .); PROVIDE (_etext = .); PROVIDE (etext = .);
  . = ALIGN(CONSTANT (MAXPAGESIZE));
  . = SEGMENT_START("rodata-segment", ALIGN(CONSTANT (MAXPAGESIZE)) + (. & (CONSTANT (MAXPAGESIZE) - 1)));
  .rodata : {{ *(.rodata .rodata.*) }}
  .rodata1 : {{ *(.rodata1) }}
  .eh_frame_hdr : {{ *(.eh_frame_hdr) }}
  .eh_frame : {{ KEEP (*(.eh_frame)) }}
  .gcc_except_table : {{ *(.gcc_except_table .gcc_except_table.*) }}
  .lrodata : {{ *(.lrodata .lrodata.*) }}
  . = DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE));
{relro_note}  .tdata : {{ PROVIDE_HIDDEN (__tdata_start = .); *(.tdata .tdata.*) }}
  .tbss : {{ *(.tbss .tbss.*) *(.tcommon) }}
  .preinit_array : {{ PROVIDE_HIDDEN (__preinit_array_start = .); KEEP (*(.preinit_array))
                      PROVIDE_HIDDEN (__preinit_array_end = .); }}
  .init_array : {{ PROVIDE_HIDDEN (__init_array_start = .);
                   KEEP (*(SORT_BY_INIT_PRIORITY(.init_array.*) SORT_BY_INIT_PRIORITY(.ctors.*)))
                   KEEP (*(.init_array EXCLUDE_FILE (*crtbegin.o *crtend.o) .ctors))
                   PROVIDE_HIDDEN (__init_array_end = .); }}
  .fini_array : {{ PROVIDE_HIDDEN (__fini_array_start = .);
                   KEEP (*(SORT_BY_INIT_PRIORITY(.fini_array.*) SORT_BY_INIT_PRIORITY(.dtors.*)))
                   KEEP (*(.fini_array EXCLUDE_FILE (*crtbegin.o *crtend.o) .dtors))
                   PROVIDE_HIDDEN (__fini_array_end = .); }}
  .ctors : {{ KEEP (*crtbegin.o(.ctors)) KEEP (*(EXCLUDE_FILE (*crtend.o) .ctors)) KEEP (*(SORT(.ctors.*)))
              KEEP (*(.ctors)) }}
  .dtors : {{ KEEP (*crtbegin.o(.dtors)) KEEP (*(EXCLUDE_FILE (*crtend.o) .dtors)) KEEP (*(SORT(.dtors.*)))
              KEEP (*(.dtors)) }}
  .data.rel.ro : {{ *(.data.rel.ro.local .data.rel.ro.local.*) *(.data.rel.ro .data.rel.ro.*) }}
  .dynamic : {{ *(.dynamic) }}
  .got : {{ *(.got) *(.igot) }}
  . = DATA_SEGMENT_RELRO_END (SIZEOF (.got.plt) >= 24 ? 24 : 0, .);
  .got.plt : {{ *(.got.plt) *(.igot.plt) }}
  .data : {{ *(.data .data.*) }}
  .data1 : {{ *(.data1) }}
  .ldata : {{ *(.ldata .ldata.*) }}
  _edata = .; PROVIDE (edata = .);
  . = .;
  __bss_start = .;
  .bss : {{ *(.dynbss) *(.bss .bss.*) *(COMMON)
            . = ALIGN(. != 0 ? 64 / 8 : 1); }}
  .lbss : {{ *(.dynlbss) *(.lbss .lbss.*) *(LARGE_COMMON) }}
  . = ALIGN(64 / 8);
  _end = .; PROVIDE (end = .);
  . = DATA_SEGMENT_END (.);
  /* not allocated, in this order; the rest after them */
  .stab 0 : {{ *(.stab) }}  .stabstr 0 : {{ *(.stabstr) }}
  .comment 0 : {{ *(.comment) }}
  .gnu.build.attributes : {{ *(.gnu.build.attributes .gnu.build.attributes.*) }}
  .debug_aranges 0 : {{ *(.debug_aranges) }}  .debug_pubnames 0 : {{ *(.debug_pubnames) }}
  .debug_info 0 : {{ *(.debug_info .gnu.linkonce.wi.*) }}  .debug_abbrev 0 : {{ *(.debug_abbrev) }}
  .debug_line 0 : {{ *(.debug_line .debug_line.* .debug_line_end) }}  .debug_frame 0 : {{ *(.debug_frame) }}
  .debug_str 0 : {{ *(.debug_str) }}  .debug_loc 0 : {{ *(.debug_loc) }}
  .debug_macinfo 0 : {{ *(.debug_macinfo) }}  .debug_pubtypes 0 : {{ *(.debug_pubtypes) }}
  .debug_ranges 0 : {{ *(.debug_ranges) }}  .debug_addr 0 : {{ *(.debug_addr) }}
  .debug_line_str 0 : {{ *(.debug_line_str) }}  .debug_loclists 0 : {{ *(.debug_loclists) }}
  .debug_macro 0 : {{ *(.debug_macro) }}  .debug_names 0 : {{ *(.debug_names) }}
  .debug_rnglists 0 : {{ *(.debug_rnglists) }}  .debug_str_offsets 0 : {{ *(.debug_str_offsets) }}
  .debug_sup 0 : {{ *(.debug_sup) }}
  .gnu.attributes 0 : {{ KEEP (*(.gnu.attributes)) }}
  /DISCARD/ : {{ *(.note.GNU-stack) *(.gnu_debuglink) *(.gnu.lto_*) }}
}}
"""


def _target(cfg):
    """-m's emulation, else the default target."""
    from .arch import default_target, target_for_emulation
    return target_for_emulation(cfg.emulation) if cfg.emulation else default_target()


def _dirs(cfg):
    """The target's default library directories."""
    return _target(cfg).lib_dirs


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
        return f"{opened}using internal linker script:\n{sep}{default_script(cfg)}\n{sep}"
    return f"using internal linker script:\n{sep}{default_script(cfg)}\n{sep}"
