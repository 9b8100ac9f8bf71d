"""The link pipeline, every pass in order (like mold's main)."""
from __future__ import annotations

from .context import Context
from . import passes, layout, writer
from .resolve import read_inputs


class LinkResult:
    def __init__(self, output: str, ctx: Context):
        self.output = output
        self.timings = ctx.timings


def link(config) -> LinkResult:
    ctx = Context(config)
    if config.dependency_file:
        try:
            return _link(ctx, config)
        finally:
            # bfd writes the file whatever the outcome, listing what it opened
            if getattr(ctx, "tracer", None) is not None:
                ctx.tracer.write_deps(config)
    return _link(ctx, config)


def _link(ctx, config) -> LinkResult:
    if config.relocatable:              # -r: a different output, an ET_REL object
        from .relocatable import link_relocatable
        link_relocatable(ctx)
        if config.time:
            ctx.report_time()
        return LinkResult(config.output, ctx)
    if config.emit_relocs:
        from .emitrelocs import check_options
        check_options(config)
    read_inputs(ctx);                    ctx.mark("read inputs")
    passes.resolve_symbols(ctx);         ctx.mark("resolve symbols")
    passes.gc_sections(ctx);             ctx.mark("gc sections")
    passes.bin_sections(ctx);            ctx.mark("merge sections")
    passes.create_synthetic(ctx);        ctx.mark("create synthetic")
    passes.scan_relocations(ctx);        ctx.mark("scan relocations")
    passes.finalize_dynamic(ctx);        ctx.mark("dynamic tables")
    layout.layout(ctx);                  ctx.mark("layout")
    writer.write_output(ctx);            ctx.mark("apply relocs + write")
    if config.map_file:
        from .mapfile import write_map
        write_map(ctx);                  ctx.mark("map file")
    if config.time:
        ctx.report_time()
    return LinkResult(config.output, ctx)
