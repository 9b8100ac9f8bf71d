"""Link-wide state shared by the passes (the way mold's Context is)."""
from __future__ import annotations

import time
import sys

from .symbols import Symbol


class Context:
    def __init__(self, config):
        self.config = config
        # the architecture (arch.base.Target): from -m, else the default one until the first ELF
        # input chooses (resolve.Reader._first_elf)
        from .arch import default_target, target_for_emulation
        self.target = target_for_emulation(config.emulation) if config.emulation else default_target()
        self.objs: list = []          # ObjectFiles in load order (archive members when loaded)
        self.dsos: list = []          # SharedFiles that stay in the link
        self.symtab: dict[str, Symbol] = {}
        self.comdat: dict[str, object] = {}
        self.mmaps: list = []
        self.script_entry: str | None = None
        self.version_texts: list[tuple[str, str]] = []
        self.has_symver = False       # some object names a symbol with @VERSION (.symver)
        self.verdefs: list = []       # [(name, parent names)]: .gnu.version_d, index 1 = base
        self.version_syms: list = []  # the absolute symbols bfd exports for each version name
        self.dynamic_listed: set = set()   # id()s of symbols a dynamic list names (bfd's h->dynamic)
        self.chunks: list = []        # output sections (incl. synthetic), in output order
        self.segments: list = []
        self.dynamic = False          # output has dynamic sections
        self.is_static = False
        self.static_pie = False
        self.weak_refs: dict = {}     # executables: id(undefined weak) -> [symbol, bfd's zero_undefweak]
        self.weak_data_relocs: list = []   # their absolute 64-bit data pointers, decided after the scan
        self.weak_zero: set = set()   # id()s of the undefined weak symbols resolved to 0
        self.timings: list[tuple[str, float]] = []
        self._t0 = time.perf_counter()
        self.warned: set[str] = set()
        self.syn = None               # Synthetic sections holder
        self.tls_start = 0
        self.tls_end = 0
        self.tls_align = 1
        self.tp = 0
        self.textrel = False
        self.static_tls = False
        self.merged = {}
        self.lib_init_added = False

    def sym(self, name: str) -> Symbol:
        s = self.symtab.get(name)
        if s is None:
            s = self.symtab[name] = Symbol(name)
            r = getattr(self, "reader", None)
            if r is not None:
                d = r.dso_defs.get(name)
                if d is not None:
                    from .resolve import _define_shared
                    _define_shared(s, d[0], d[1])
        return s

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.append((name, now - self._t0))
        self._t0 = now

    def report_time(self) -> None:
        total = sum(t for _, t in self.timings)
        for name, t in self.timings:
            sys.stderr.write(f"braze: time: {name:<24} {t * 1000:8.1f} ms\n")
        sys.stderr.write(f"braze: time: {'total':<24} {total * 1000:8.1f} ms\n")
