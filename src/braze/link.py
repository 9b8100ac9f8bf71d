"""The link pipeline, every pass in order, one line each (like mold's main)."""
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
    read_inputs(ctx);                        ctx.mark("read inputs")
    passes.resolve_symbols(ctx);             ctx.mark("resolve symbols")
    passes.check_library_references(ctx);    ctx.mark("library references")
    passes.mark_exports(ctx);                ctx.mark("exports")
    passes.apply_versions(ctx);              ctx.mark("versions")
    passes.init_entry(ctx);                  ctx.mark("init entry")
    passes.gc_sections(ctx);                 ctx.mark("gc sections")
    passes.bin_sections(ctx);                ctx.mark("merge sections")
    passes.create_synthetic(ctx);            ctx.mark("create synthetic")
    passes.scan_relocations(ctx);            ctx.mark("scan relocations")
    passes.finish_weak_undefined(ctx);       ctx.mark("weak undefined")
    passes.allocate_got_plt(ctx);            ctx.mark("GOT/PLT allocation")
    passes.finalize_dynamic(ctx);            ctx.mark("dynamic tables")
    layout.order_sections(ctx);              ctx.mark("order sections")
    layout.symbol_table(ctx);                ctx.mark("symtab")
    layout.assign_addresses(ctx);            ctx.mark("layout + symbol values")
    writer.write_sections(ctx);              ctx.mark("write sections")
    writer.apply_relocations(ctx);           ctx.mark("apply relocations")
    writer.post_write(ctx);                  ctx.mark("post-write")
    writer.write_build_id(ctx);              ctx.mark("build-id")
    writer.commit(ctx);                      ctx.mark("commit")
    if config.map_file:
        from .mapfile import write_map
        write_map(ctx);                      ctx.mark("map file")
    if config.time:
        ctx.report_time()
    return LinkResult(config.output, ctx)
