"""The Python API: link in-process and get the link back as data.

    import braze
    r = braze.link(["crt1.o", "main.o", "-lc"], output="app", pie=True, gc_sections=True)
    r.output, r.timings, r.warnings
    r.model.symbols, r.model.sections, r.model.segments, r.model.inputs, r.model.gc_removed

`args` are GNU ld's words (a list, or one string split as a shell would); keyword options are added
as options: `output="x"` is `-o x`, `gc_sections=True` is `--gc-sections`, `z=["now"]` is `-z now`,
`l=["m"]` is `-lm`, a one-letter name takes its value as the next word, any other name
`--name=value` (underscores become dashes; False or None leaves the option out; a list repeats it).
So every option behaves exactly as on the command line, refusals included.

A failed link raises `braze.LinkError`: its message is what the command line prints, and it carries
`errors` (each error message), `undefined` ([UndefinedSymbol(name, references)]), `warnings` and
`stderr`. Links are independent: diagnostics settings (--no-demangle, --fatal-warnings, -w ...)
apply to their own link only, and the caller's state (its GC switch, stdout/stderr) is restored.
"""
from __future__ import annotations

import gc
import io
import shlex
import sys

from . import diag
from .diag import LinkError


class UndefinedSymbol:
    """An undefined symbol reported by a failed link, with the places that refer to it
    (`file:(function)` or `file:(section+0xoffset)`, at most four, as the message lists them)."""
    __slots__ = ("name", "references")

    def __init__(self, name: str, references: list[str]):
        self.name = name
        self.references = references

    def __repr__(self):
        return f"UndefinedSymbol({self.name!r}, {self.references!r})"


class LinkResult:
    """A finished link: `output` (path), `timings` ({pass: seconds}, in pass order), `warnings`
    (each warning's message), `stdout`/`stderr` (what the command line would have printed), and
    `model` (braze.model.LinkModel: inputs, sections, segments, symbols, gc_removed, dynamic_relocs)."""

    def __init__(self, output, timings, warnings, stdout, stderr, model):
        self.output = output
        self.timings = timings
        self.warnings = warnings
        self.stdout = stdout
        self.stderr = stderr
        self.model = model

    def __repr__(self):
        return (f"<LinkResult {self.output!r}: {len(self.model.sections)} sections, "
                f"{len(self.model.symbols)} symbols, {len(self.warnings)} warnings>")


def options_to_args(options: dict) -> list[str]:
    """Keyword options as command-line words (see the module docstring)."""
    words: list[str] = []
    for key, val in options.items():
        name = "o" if key == "output" else key.replace("_", "-")
        for v in (val if isinstance(val, (list, tuple)) else [val]):
            if v is None or v is False:
                continue
            if len(name) == 1:
                words += [f"-{name}"] if v is True else [f"-{name}", str(v)]
            else:
                words.append(f"--{name}" if v is True else f"--{name}={v}")
    return words


class _Tee(io.StringIO):
    """Captures a stream; with echo, also passes it on."""
    def __init__(self, echo_to):
        super().__init__()
        self.echo_to = echo_to

    def write(self, s):
        if self.echo_to is not None:
            self.echo_to.write(s)
        return super().write(s)


def link(args=None, /, *, echo: bool = False, **options) -> LinkResult:
    """Link in this process. args: ld's words (list or string) or a braze Config; options: more
    options as keywords. echo: also print the messages (stderr) and -M/-t output (stdout) as the
    command line does. Returns a LinkResult; raises LinkError (with structured data) on failure."""
    from .config import Config
    from .context import Context
    from .link import link as run_pipeline
    from .model import build_model
    from . import symwarn
    if isinstance(args, str):
        args = shlex.split(args)
    saved = diag.save_state()
    sink: list = []
    diag.reset_state("braze", sink)
    symwarn._last_func = None
    out, err = _Tee(sys.stdout if echo else None), _Tee(sys.stderr if echo else None)
    old_out, old_err = sys.stdout, sys.stderr
    gc_was = gc.isenabled()
    ctx = None
    sys.stdout, sys.stderr = out, err
    try:
        if isinstance(args, Config):
            if options:
                raise TypeError("braze.link(Config): give the options in the Config")
            config = args
            diag.set_warnings(config.fatal_warnings, config.no_warnings)
        else:
            from .cli import parse_args
            config = parse_args(list(args or []) + options_to_args(options))
            if config is None:
                raise LinkError("nothing to link (--help/--version)")
        ctx = Context(config)
        gc.disable()        # as the command line: the link builds no garbage cycles worth collecting
        res = run_pipeline(config, ctx)
        model = build_model(res.ctx)
        return LinkResult(config.output, dict(res.timings), [m for k, m in sink if k == "warning"],
                          out.getvalue(), err.getvalue(), model)
    except LinkError as e:
        if e.args and e.args[0]:
            sys.stderr.write(f"braze: error: {e.args[0]}\n")
        raise _link_error(e, ctx, sink, err.getvalue()) from None
    finally:
        sys.stdout, sys.stderr = old_out, old_err
        if gc_was:
            gc.enable()
        diag.restore_state(saved)
        if ctx is not None:
            _release(ctx)


def _link_error(e: LinkError, ctx, sink: list, stderr: str) -> LinkError:
    errors = [m for k, m in sink if k == "error"]
    if e.args and e.args[0]:
        errors.append(e.args[0])
    msg = "\n".join(errors) or "link failed"
    new = LinkError(msg)
    new.errors = errors
    new.warnings = [m for k, m in sink if k == "warning"]
    new.undefined = [UndefinedSymbol(n, refs) for n, refs in (ctx.record.undefined if ctx is not None else ())]
    new.stderr = stderr
    return new


def _release(ctx) -> None:
    """Close the input mappings now (a long-running host would otherwise keep every input open until
    the collector gets to them); views still exported (model strings are copies) keep theirs."""
    for m in ctx.mmaps:
        try:
            m.close()
        except BufferError:
            pass
    ctx.mmaps.clear()
