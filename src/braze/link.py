"""The link pipeline, every pass in order, one line each (like mold's main)."""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .context import Context


class _Explain:
    """explain.py, imported at its first use: only --why-extract, --cref, --time-trace and the like
    need it, and importing it cost every link ~0.5 ms."""
    def __getattr__(self, name):
        from . import explain as m
        return getattr(m, name)


explain = _Explain()


class LinkResult:
    """What the pipeline returns; the Python API (braze.api) turns it into its documented result."""
    def __init__(self, output: str, ctx: Context):
        self.output = output
        self.timings = ctx.timings
        self.ctx = ctx


def link(config, ctx: Context | None = None) -> LinkResult:
    """ctx: a Context the caller made (the Python API keeps it to build the model even when the link
    fails)."""
    # the pipeline's modules are imported here, not at the top: `import braze` (and so `ld --version`)
    # imports this module, and needs none of them
    from .pipeline_natives import writer
    if ctx is None:
        from .context import Context
        ctx = Context(config)
    try:
        if config.plugins:
            try:
                result = _link_deps(ctx, config)
            finally:
                # the LTO plugin deletes its temporary objects (they are mapped: unlinking is safe)
                if ctx.plugins is not None:
                    ctx.plugins.cleanup()
        else:
            result = _link_deps(ctx, config)
        if config.stats:        # bfd's --stats: the CPU time of a successful link
            import time
            from . import diag
            diag.info(f"total time in link: {time.process_time():.6f}")
        return result
    except BaseException as e:
        if not ctx.output_written and not getattr(e, "keep_output", False):
            writer.remove_stale_output(config.output)
        raise


def _link_deps(ctx, config) -> LinkResult:
    if config.dependency_file or config.reproduce:
        try:
            return _link(ctx, config)
        finally:
            # bfd writes the file whatever the outcome, listing what it opened
            if getattr(ctx, "tracer", None) is not None:
                ctx.tracer.write_deps(config)
            if config.reproduce:        # lld too: a failing link is what one wants to replay
                from .reproduce import write_reproducer
                write_reproducer(ctx)
    return _link(ctx, config)


def _link(ctx, config) -> LinkResult:
    from .pipeline_natives import passes, layout, writer
    from .resolve import read_inputs
    if config.print_output_format:      # bfd: the emulation's (-m or the default), before any input is read
        sys.stdout.write((config.oformat or ctx.target.output_format) + "\n")
    if config.oformat is not None:      # bfd looks the name up as it opens the output, before the inputs
        from .oformat import check_name
        check_name(config)
    if config.relocatable:              # -r: a different output, an ET_REL object
        if config.sort_section is not None:
            from .diag import LinkError
            raise LinkError("--sort-section with -r is not supported by braze")
        if config.orphan_handling != "place":
            from .scriptlayout import check_orphan_handling
            check_orphan_handling(ctx)
        if config.oformat is not None:
            from .oformat import refuse_relocatable
            refuse_relocatable(config)
        from .relocatable import link_relocatable
        link_relocatable(ctx)
        if config.time:
            ctx.report_time()
        return LinkResult(config.output, ctx)
    if config.emit_relocs:
        from .emitrelocs import check_options
        check_options(config)
    read_inputs(ctx);                        ctx.mark("read inputs")
    if config.orphan_handling != "place":
        from .scriptlayout import check_orphan_handling
        check_orphan_handling(ctx)
    raw = config.output_kind != "elf"       # --oformat binary: bfd's generic link (oformat.py)
    if raw:
        from . import oformat
        oformat.prepare(ctx)
    if config.why_extract or config.print_archive_stats:
        explain.after_inputs(ctx)
    if config.cref:
        explain.check_cref(ctx)
    passes.resolve_symbols(ctx);             ctx.mark("resolve symbols")
    if ctx.config.no_define_common:
        passes.undefine_commons(ctx)
    if ctx.config.default_imported_symver:
        passes.default_imported_versions(ctx)
    passes.check_library_references(ctx);    ctx.mark("library references")
    passes.mark_exports(ctx);                ctx.mark("exports")
    passes.apply_versions(ctx);              ctx.mark("versions")
    passes.init_entry(ctx);                  ctx.mark("init entry")
    passes.gc_sections(ctx);                 ctx.mark("gc sections")
    passes.bin_sections(ctx);                ctx.mark("merge sections")
    if config.shared:
        passes.check_preinit_array(ctx)
    passes.create_synthetic(ctx);            ctx.mark("create synthetic")
    if not raw:                             # (the generic link has no GOT, PLT or dynamic relocation)
        passes.scan_relocations(ctx);        ctx.mark("scan relocations")
    passes.finish_weak_undefined(ctx);       ctx.mark("weak undefined")
    passes.allocate_got_plt(ctx);            ctx.mark("GOT/PLT allocation")
    ctx.target.finish_properties(ctx)
    passes.finalize_dynamic(ctx);            ctx.mark("dynamic tables")
    layout.order_sections(ctx);              ctx.mark("order sections")
    layout.symbol_table(ctx);                ctx.mark("symtab")
    layout.assign_addresses(ctx);            ctx.mark("layout + symbol values")
    if config.print_memory_usage:
        from .memusage import print_memory_usage
        print_memory_usage(ctx)
    from . import diag
    diag.check_late_lines()                 # (bfd's final-link errors: references to discarded sections)
    writer.write_sections(ctx);              ctx.mark("write sections")
    if raw:
        oformat.generic_relocate(ctx);       ctx.mark("apply relocations")
    else:
        writer.apply_relocations(ctx);       ctx.mark("apply relocations")
    if config.emit_relocs:
        from .emitrelocs import write as write_emitted
        write_emitted(ctx, ctx.buf);         ctx.mark("emitted relocations")
    writer.post_write(ctx);                  ctx.mark("post-write")
    writer.write_build_id(ctx);              ctx.mark("build-id")
    if raw:
        ctx.buf = oformat.image(ctx)         # the sections' bytes out of the finished ELF image
    writer.commit(ctx);                      ctx.mark("commit")
    if config.map_file:
        from .mapfile import write_map
        write_map(ctx);                      ctx.mark("map file")
    if config.cref and not config.map_file:
        sys.stdout.write(explain.write_cref(ctx))   # bfd: to stdout, or at the end of the map
    if config.size_map:
        from .sizemap import write_size_map
        write_size_map(ctx);                 ctx.mark("size map")
    if config.time:
        ctx.report_time()
    if config.time_trace:
        explain.write_time_trace(ctx)
    if config.force_exe_suffix:
        _copy_exe(ctx, config.output)
    return LinkResult(config.output, ctx)


def _copy_exe(ctx, name: str) -> None:
    """--force-exe-suffix: as bfd, a copy of a final link's output in NAME.exe (created with mode
    0666 less the umask, an existing file overwritten in place), unless NAME ends in .exe or .dll,
    either case. When the copy cannot be written the link fails and the output is removed."""
    if name[-4:].lower() in (".exe", ".dll"):
        return
    from . import _os as os
    from .diag import LinkError
    dst = name + ".exe"
    try:
        with open(name, "rb") as f:
            data = f.read()
    except OSError:
        ctx.output_written = False
        raise LinkError(f"unable to open for source of copy `{name}'") from None
    try:
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    except OSError:
        ctx.output_written = False
        raise LinkError(f"unable to open for destination of copy `{dst}'") from None
    try:
        with open(fd, "wb") as f:
            f.write(data)
    except OSError as e:
        ctx.output_written = False
        raise LinkError(f"cannot write {dst}: {e.strerror}") from None
