"""Link-wide state shared by the passes (the way mold's Context is)."""
from __future__ import annotations

import time
from mmap import MADV_DONTNEED
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
        self.dso_audits: list[str] = []   # the DT_AUDIT of each library given to the link (DT_DEPAUDIT)
        self.symtab: dict[str, Symbol] = {}
        self.comdat: dict[str, object] = {}
        self.mmaps: list = []
        self.script_entry: str | None = None
        self.version_texts: list[tuple[str, str]] = []
        self.has_symver = False       # some object names a symbol with @VERSION (.symver)
        self.symver_aliases: list[str] = []   # plain names that became aliases of foo@V (resolve)
        # plain name -> the foo@V symbol it stands for: what -e, --require-defined and --defsym find
        # by that name, as bfd's indirect symbol
        self.symver_alias_of: dict = {}
        # sections that start a PT_LOAD because their alignment skips a page (layout._aligned_start)
        self.align_splits: set = set()
        self.large_common_seen = False   # an object has a global large common symbol (Target.large_common_shndx)
        self.verdefs: list = []       # [(name, parent names)]: .gnu.version_d, index 1 = base
        self.verdef_weak: set = set()     # names of the verdefs flagged VER_FLG_WEAK
        self.weakdef_imports: set = set()  # id()s of imports .dynsym has only as a weak data alias's pair
        # id()s of those imports that are the global definition paired with a referenced weak one:
        # bfd gives it the reference's flags, so .symtab lists it too (value: its binding there)
        self.weakdef_symtab: dict[int, int] = {}
        self.version_syms: list = []  # the absolute symbols bfd exports for each version name
        self.dynamic_listed: set = set()   # id()s of symbols a dynamic list names (bfd's h->dynamic)
        # id()s an executable exports only by --dynamic-list-data: not --gc-sections roots (gc.py)
        self.data_only_exports: set = set()
        self.bound_syms: list = []    # the __start_X/__stop_X the link defines (passes.define_linker_syms)
        self.chunks: list = []        # output sections (incl. synthetic), in output order
        self.segments: list = []
        self.ehdr_addr = 0            # where the ELF header is mapped (layout)
        self.empty_relro = None       # aarch64's RELRO range with no RELRO section (layout._empty_relro)
        self.dseg_dot = 0             # `.` after the script's DATA_SEGMENT_ALIGN (layout; 0: none)
        self.dynamic = False          # output has dynamic sections
        self.is_static = False
        self.static_pie = False
        # x86-64 PIE: a relaxed TLS call to an __tls_get_addr no input defines (bfd's unused PLT entry)
        self.dead_tls_plt = False
        self.dead_tls_got = False     # (the same call through its GOT slot, -fno-plt)
        self.weak_refs: dict = {}     # executables: id(undefined weak) -> [symbol, bfd's zero_undefweak]
        self.weak_data_relocs: list = []   # their absolute 64-bit data pointers, decided after the scan
        self.ifunc_data_relocs: list = []  # executables' data pointers to their own IFUNCs (sec, off, sym, addend)
        self.protected_defs: dict = {}     # id(library) -> names it defines with STV_PROTECTED
        self.protected_refused: set = set()   # (id(symbol), message) already reported
        self.weak_zero: set = set()   # id()s of the undefined weak symbols resolved to 0
        self.script_unlisted: set = set()   # id()s of script symbols bfd defines in *UND* (not in .symtab)
        # --time: the interpreter's start, the imports and the option parsing come first (CPU time so far)
        self.timings: list[tuple[str, float]] = []     # (pass, seconds): --time, the API, --time-trace
        # the CPU the process spent before the link began (interpreter, imports, options); --time
        # shows it first (in-process API links include the host's own time in it)
        self.startup_cpu = time.process_time()
        self._t0 = time.perf_counter()
        self.start_wall = time.time()     # --time-trace's beginningOfTime
        self.warned: set[str] = set()
        self.syn = None               # Synthetic sections holder
        self.gnu_osabi = False        # .symtab holds an IFUNC or GNU_UNIQUE symbol (symtab.SymTab.write)
        self.build_id_pending = None  # writer._PendingDigest: a big output's build-id, being hashed
        self.tls_start = 0
        self.tls_end = 0
        self.tls_align = 1
        self.tp = 0
        self.textrel = False
        # the first text relocation against a local symbol (object, section) and against a global
        # (object, section, symbol): passes.textrel_notes' warning
        self.textrel_local: object = None
        self.textrel_global: object = None
        self.ifunc_dynrel = False     # an IFUNC defined here has a data pointer's dynamic relocation
        self.static_tls = False
        self.merged = {}
        self.lib_init_added = False
        # -z nocopyreloc as the link applies it: Target.merge_properties may change it (x86: forced by
        # -z indirect-extern-access, lifted by an input's GNU_PROPERTY_1_NEEDED indirect-access bit)
        self.nocopyreloc = bool(config.z_nocopyreloc)
        # x86: the output's indirect-access bit came from the inputs alone; a copy relocation or a
        # canonical PLT entry clears it (Target.finish_properties)
        self.iea_from_inputs = False
        self.output_written = False   # set once the output file is in place (a later failure keeps it)
        self.plugins = None           # plugin.PluginHost when -plugin was given
        # facts explain.py reports: (member ObjectFile, Symbol that pulled it in | None) in load
        # order, and each non-whole use of an archive ([Archive, members it loaded]), in order
        self.extracted: list = []
        self.pre_lto_refs: dict = {}      # explain._references before the IR files left (-Map)
        self.archive_uses: list = []
        self.as_needed_dso_ref: dict = {}  # id(Symbol) -> the library whose reference kept one of them
        self.as_needed_why: list = []     # (SharedFile, Symbol, its .dynsym entry) per --as-needed library kept
        from .record import Record
        self.record = Record()        # facts for the Python API, --size-map and --reproduce
        self.script_hidden: set = set()   # ids of symbols a script's HIDDEN()/PROVIDE_HIDDEN() defines
        self.lscript = None           # scriptlayout.ScriptState: a SECTIONS script lays the output out
        self.pending_lscript = None   # the FullScript read with the inputs (SECTIONS)
        self.insert_scripts = []      # FullScripts with INSERT AFTER/BEFORE (insertscript.py), in input order
        self.inserts_before_main = 0  # how many of them came before the main (-T) script
        self.more_scripts = []        # -T scripts with SECTIONS after the first (scriptmerge.py)
        self.implicit_scripts = []    # SECTIONS scripts given as input files (bfd: added at the end)

    def sym(self, name: str) -> Symbol:
        s = self.symtab.get(name)
        if s is None:
            s = self.symtab[name] = Symbol(name)
            r = getattr(self, "reader", None)
            if r is not None:
                d = r.dso_defs.get(name)
                if d is not None:
                    from .resolve import _define_shared
                    _define_shared(s, d[0], d[0].row(d[1]))
        return s

    def release_input_pages(self) -> None:
        """Peak RSS: a pass that streamed through the inputs' bytes leaves their pages resident;
        they are file-backed, so they are dropped here and fault back in from the page cache if a
        later pass reads them (rust-bin: 59 -> 49 MB, the same output)."""
        for m in self.mmaps:
            if not m.closed:
                m.madvise(MADV_DONTNEED)

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.append((name, now - self._t0))
        self._t0 = now

    def report_time(self) -> None:
        rows = [("start-up (cpu)", self.startup_cpu)] + self.timings
        total = sum(t for _, t in rows)
        for name, t in rows:
            sys.stderr.write(f"braze: time: {name:<24} {t * 1000:8.1f} ms\n")
        sys.stderr.write(f"braze: time: {'total':<24} {total * 1000:8.1f} ms\n")
