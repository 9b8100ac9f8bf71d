"""`INSERT AFTER/BEFORE output_section` (GNU ld's process_insert_statements, checked against ld.bfd 2.40).

A script whose SECTIONS ends with INSERT does not replace the main script: its statements are moved
into the main script (a -T script without INSERT, else bfd's built-in default script for the link's
options) at the named output section. braze's default layout is not a script (layout.py), so such a
link is laid out by the SECTIONS engine (scriptlayout.py) from bfd's default script, written out
below statement for statement as `ld.bfd --verbose` prints it for this link's options."""
from __future__ import annotations

from .diag import LinkError
from .inputs.ldscript import Assign, AssertCmd, OutSecStmt

_PATH = "<default linker script>"


def bfd_default_script(cfg) -> str:
    """The SECTIONS of bfd's built-in x86-64 ELF script for -pie/-shared/executables, -z separate-code,
    -z relro [-z now] (the variants bfd picks), without its comments."""
    exe = not cfg.shared
    from .defaultscript import _target
    base = "0" if cfg.pic else hex(_target(cfg).image_base)
    start = f'SEGMENT_START("text-segment", {base})'
    hid = (lambda s: f"PROVIDE_HIDDEN ({s} = .);") if exe else (lambda s: "")
    iplt = (hid("__rela_iplt_start"), hid("__rela_iplt_end")) if exe and not cfg.pic else ("", "")
    g = "PROVIDE ({} = .);" if cfg.shared else "{} = .;"
    relro_now = cfg.relro and cfg.now
    got = ("  .got : { *(.got.plt) *(.igot.plt) *(.got) *(.igot) }\n  . = DATA_SEGMENT_RELRO_END (0, .);\n"
           if relro_now else
           "  .got : { *(.got) *(.igot) }\n  . = DATA_SEGMENT_RELRO_END (SIZEOF (.got.plt) >= 24 ? 24 : 0, .);\n"
           "  .got.plt : { *(.got.plt) *(.igot.plt) }\n")
    crt = "*crtbegin.o *crtbegin?.o *crtend.o *crtend?.o "
    debug = " ".join(f"{n} 0 : {{ *({n}) }}" for n in (
        ".stab", ".stabstr", ".stab.excl", ".stab.exclstr", ".stab.index", ".stab.indexstr", ".comment"))
    debug += " .gnu.build.attributes : { *(.gnu.build.attributes .gnu.build.attributes.*) }\n  "
    debug += " ".join(f"{n} 0 : {{ *({n}) }}" for n in (
        ".debug", ".line", ".debug_srcinfo", ".debug_sfnames", ".debug_aranges", ".debug_pubnames"))
    debug += " .debug_info 0 : { *(.debug_info .gnu.linkonce.wi.*) } .debug_abbrev 0 : { *(.debug_abbrev) }"
    debug += " .debug_line 0 : { *(.debug_line .debug_line.* .debug_line_end) }\n  "
    debug += " ".join(f"{n} 0 : {{ *({n}) }}" for n in (
        ".debug_frame", ".debug_str", ".debug_loc", ".debug_macinfo", ".debug_weaknames", ".debug_funcnames",
        ".debug_typenames", ".debug_varnames", ".debug_pubtypes", ".debug_ranges", ".debug_addr",
        ".debug_line_str", ".debug_loclists", ".debug_macro", ".debug_names", ".debug_rnglists",
        ".debug_str_offsets", ".debug_sup"))
    rela = " ".join(f"*(.rela.{n} .rela.{n}.* .rela.gnu.linkonce.{k}.*)" if k else f"*(.rela.{n})" for n, k in (
        ("init", ""), ("text", "t"), ("fini", ""), ("rodata", "r"), ("data", "d"), ("tdata", "td"),
        ("tbss", "tb"), ("ctors", ""), ("dtors", ""), ("got", ""), ("bss", "b"), ("ldata", "l"),
        ("lbss", "lb"), ("lrodata", "lr"), ("ifunc", "")))

    def arr(n, old):
        return (f"  .{n}_array : {{ {hid(f'__{n}_array_start')}"
                f" KEEP (*(SORT_BY_INIT_PRIORITY(.{n}_array.*) SORT_BY_INIT_PRIORITY(.{old}.*)))"
                f" KEEP (*(.{n}_array EXCLUDE_FILE ({crt}) .{old})) {hid(f'__{n}_array_end')} }}\n")

    def cdtors(n):
        return (f"  .{n} : {{ KEEP (*crtbegin.o(.{n})) KEEP (*crtbegin?.o(.{n})) KEEP (*(EXCLUDE_FILE ({crt}) .{n}))"
                f" KEEP (*(SORT(.{n}.*))) KEEP (*(.{n})) }}\n")
    pg = "CONSTANT (MAXPAGESIZE)"
    eh = [(".eh_frame", "KEEP (*(.eh_frame)) *(.eh_frame.*)"), (".sframe", "*(.sframe) *(.sframe.*)"),
          (".gcc_except_table", "*(.gcc_except_table .gcc_except_table.*)"), (".gnu_extab", "*(.gnu_extab*)"),
          (".exception_ranges", "*(.exception_ranges*)")]
    eh_rw = [eh[0], eh[1], (".gnu_extab", "*(.gnu_extab)"), eh[2], eh[4]]
    return (
        "SECTIONS\n{\n"
        + (f"  PROVIDE (__executable_start = {start}); " if exe else "  ")
        + f". = {start} + SIZEOF_HEADERS;\n"
        + ("  .interp : { *(.interp) }\n" if exe else "")
        + "  .note.gnu.build-id : { *(.note.gnu.build-id) }\n"
        + "".join(f"  .{n} : {{ *(.{n}) }}\n" for n in ("hash", "gnu.hash", "dynsym", "dynstr", "gnu.version",
                                                     "gnu.version_d", "gnu.version_r"))
        + f"  .rela.dyn : {{ {rela} }}\n"
        + f"  .rela.plt : {{ *(.rela.plt) {iplt[0]} *(.rela.iplt) {iplt[1]} }}\n"
        + "  .relr.dyn : { *(.relr.dyn) }\n"
        + f"  . = ALIGN({pg});\n"
        + "  .init : { KEEP (*(SORT_NONE(.init))) }\n  .plt : { *(.plt) *(.iplt) }\n"
        + "  .plt.got : { *(.plt.got) }\n  .plt.sec : { *(.plt.sec) }\n"
        + "  .text : { *(.text.unlikely .text.*_unlikely .text.unlikely.*) *(.text.exit .text.exit.*)"
          " *(.text.startup .text.startup.*) *(.text.hot .text.hot.*) *(SORT(.text.sorted.*))"
          " *(.text .stub .text.* .gnu.linkonce.t.*) *(.gnu.warning) }\n"
        + "  .fini : { KEEP (*(SORT_NONE(.fini))) }\n"
        + "  PROVIDE (__etext = .); PROVIDE (_etext = .); PROVIDE (etext = .);\n"
        + f"  . = ALIGN({pg});\n"
        + f'  . = SEGMENT_START("rodata-segment", ALIGN({pg}) + (. & ({pg} - 1)));\n'
        + "  .rodata : { *(.rodata .rodata.* .gnu.linkonce.r.*) }\n  .rodata1 : { *(.rodata1) }\n"
        + "  .eh_frame_hdr : { *(.eh_frame_hdr) *(.eh_frame_entry .eh_frame_entry.*) }\n"
        + "".join(f"  {n} : ONLY_IF_RO {{ {b} }}\n" for n, b in eh)
        + f"  . = DATA_SEGMENT_ALIGN ({pg}, CONSTANT (COMMONPAGESIZE));\n"
        + "".join(f"  {n} : ONLY_IF_RW {{ {b} }}\n" for n, b in eh_rw)
        + f"  .tdata : {{ {hid('__tdata_start')} *(.tdata .tdata.* .gnu.linkonce.td.*) }}\n"
        + "  .tbss : { *(.tbss .tbss.* .gnu.linkonce.tb.*) *(.tcommon) }\n"
        + f"  .preinit_array : {{ {hid('__preinit_array_start')} KEEP (*(.preinit_array))"
          f" {hid('__preinit_array_end')} }}\n"
        + arr("init", "ctors") + arr("fini", "dtors") + cdtors("ctors") + cdtors("dtors")
        + "  .jcr : { KEEP (*(.jcr)) }\n"
        + "  .data.rel.ro : { *(.data.rel.ro.local* .gnu.linkonce.d.rel.ro.local.*)"
          " *(.data.rel.ro .data.rel.ro.* .gnu.linkonce.d.rel.ro.*) }\n"
        + "  .dynamic : { *(.dynamic) }\n" + got
        + "  .data : { *(.data .data.* .gnu.linkonce.d.*) }\n  .data1 : { *(.data1) }\n"
        + f"  {g.format('_edata')} PROVIDE (edata = .);\n  . = .;\n  {g.format('__bss_start')}\n"
        + "  .bss : { *(.dynbss) *(.bss .bss.* .gnu.linkonce.b.*) *(COMMON) . = ALIGN(. != 0 ? 64 / 8 : 1); }\n"
        + "  .lbss : { *(.dynlbss) *(.lbss .lbss.* .gnu.linkonce.lb.*) *(LARGE_COMMON) }\n"
        + '  . = ALIGN(64 / 8);\n  . = SEGMENT_START("ldata-segment", .);\n'
        + f"  .lrodata ALIGN({pg}) + (. & ({pg} - 1)) : {{ *(.lrodata .lrodata.* .gnu.linkonce.lr.*) }}\n"
        + f"  .ldata ALIGN({pg}) + (. & ({pg} - 1)) : {{ *(.ldata .ldata.* .gnu.linkonce.l.*)"
          " . = ALIGN(. != 0 ? 64 / 8 : 1); }\n"
        + f"  . = ALIGN(64 / 8);\n  {g.format('_end')} PROVIDE (end = .);\n  . = DATA_SEGMENT_END (.);\n"
        + f"  {debug}\n"
        + "  .gnu.attributes 0 : { KEEP (*(.gnu.attributes)) }\n"
        + "  /DISCARD/ : { *(.note.GNU-stack) *(.gnu_debuglink) *(.gnu.lto_*) }\n}\n")


def base_script(ctx):
    """The main script: the -T script without INSERT, else bfd's default one (for INSERT scripts and
    scripts given as input files)."""
    if ctx.pending_lscript is not None:
        return ctx.pending_lscript
    cfg = ctx.config
    first = ctx.insert_scripts[0] if ctx.insert_scripts else ctx.implicit_scripts[0]
    what = "INSERT" if ctx.insert_scripts else "a SECTIONS script given as an input file"
    if cfg.separate_code is False:
        raise LinkError(f"{first.path}: {what} with -z noseparate-code is not supported by braze")
    if cfg.relro and cfg.now:
        # (bfd's -z relro -z now script puts .got.plt inside .got: the engine does not mix them)
        raise LinkError(f"{first.path}: {what} with -z now is not supported by braze")
    from .inputs.ldscript import parse_full
    ctx.script_entry = "_start"      # (its ENTRY, read after the others, is the one that counts in bfd)
    script = parse_full(bfd_default_script(cfg), _PATH)
    script._default = True
    return script


def apply_inserts(ctx) -> None:
    """One statement list, as bfd's: the main script, then the other -T scripts with SECTIONS, then
    the scripts given as input files (scriptmerge.py); each INSERT script's statements moved in at
    their section, in the order the scripts were read (bfd's process_insert_statements)."""
    from .scriptmerge import merge_into, insert_chunks, make_flat
    if ctx.insert_scripts and ctx.more_scripts:
        raise LinkError(f"{ctx.insert_scripts[0].path}: INSERT together with several -T scripts with SECTIONS "
                        "is not supported by braze")
    if ctx.insert_scripts and getattr(ctx, "ignored_dscript", None) is not None:
        # (bfd reads -dT in place of its default script when the -T scripts all end in INSERT)
        raise LinkError(f"{ctx.ignored_dscript}: -dT together with -T scripts ending in INSERT is not "
                        "supported by braze")
    base = base_script(ctx)
    make_flat(base)
    for extra in ctx.more_scripts:
        merge_into(base, extra, "a second -T script")
    for extra in ctx.implicit_scripts:
        merge_into(base, extra, "a script given as an input file")
    stmts = base.sections
    # the sections an INSERT may name: not those of the statements being moved (bfd hides them while
    # it scans up to the INSERT), but those an earlier INSERT moved in (bfd 2.40, checked)
    own = {id(s) for s in stmts}
    main = ctx.pending_lscript is not None and not getattr(base, "_default", False)
    seen_insert = False
    carry = []          # statements after an INSERT: they go with the next INSERT's (bfd snips from the start)
    for k, ins in enumerate(ctx.insert_scripts):
        if main and k >= ctx.inserts_before_main:
            # bfd: every output section read before an INSERT is hidden from it (it is to be moved)
            raise LinkError(f"{ins.insert[2]}: {ins.insert[1]} not found for insert")
        if ins.phdrs is not None:
            raise LinkError(f"{ins.path}: PHDRS in a script with INSERT is not supported by braze")
        chunks, trailing = insert_chunks(ins)
        for (before, name, where, _ntop, _nsec), chunk in chunks:
            oss = [s for s in stmts if isinstance(s, OutSecStmt) and id(s) in own]
            target = next((s for s in oss if s.name == name), None)
            if target is not None and before:
                i = oss.index(target)
                target = oss[i - 1] if i else None
            if target is None:
                raise LinkError(f"{where}: {name} not found for insert")
            block = carry + chunk
            carry = []
            if not block and (k or seen_insert):
                # (bfd's process_insert_statements then splices its list onto itself: it fails or
                # loses statements)
                raise LinkError(f"{where}: an INSERT with no statement since the previous INSERT is not "
                                "supported by braze")
            seen_insert = True
            at = _after(stmts, stmts.index(target))
            stmts[at:at] = block
            own.update(id(s) for s in block if isinstance(s, OutSecStmt))
        carry = trailing
        for m, v in ins.memory.items():
            if m in base.memory and base.memory[m] is not v:
                raise LinkError(f"{ins.path}: redefinition of memory region `{m}'")
            base.memory[m] = v
        base.nocrossrefs.extend(ins.nocrossrefs)
    if carry:
        # after the last INSERT: they stay where the script was read, ahead of the main script
        sec = next((s for s in carry if isinstance(s, OutSecStmt)), None)
        if sec is not None:
            raise LinkError(f"{sec.where}: an output section after the last INSERT is not supported by braze "
                            "(bfd places it ahead of the main script's statements)")
        stmts[0:0] = carry
    ctx.pending_lscript = base


def _after(stmts, i) -> int:
    """bfd's insert_os_after: just before the next output section, or before the first `. = …`
    between the two (other assignments stay before the inserted statements)."""
    assign = None
    for j in range(i + 1, len(stmts)):
        s = stmts[j]
        if isinstance(s, OutSecStmt):
            return j if assign is None else assign
        if isinstance(s, Assign) and s.name == "." and assign is None:
            assign = j
        elif not isinstance(s, (Assign, AssertCmd)):
            assign = None
    return len(stmts)
