"""Reading inputs in command-line order and resolving symbols, with GNU ld's archive semantics:
an archive member is loaded when it defines a symbol that is undefined at that point; groups are
rescanned until nothing new is loaded; --as-needed libraries are kept only if they satisfy a
non-weak reference from a regular object at that point."""
from __future__ import annotations

import mmap
from . import _os as os

from . import diag
from .diag import LinkError
from .elf import (SHN_UNDEF, SHN_COMMON, STB_LOCAL, ET_REL, ET_DYN, EHDR, SHDR, DYN, SHT_DYNAMIC,
                  DT_NULL, DT_NEEDED, SHF_LINK_ORDER)
from .inputs.archive import Archive, AR_MAGIC, THIN_MAGIC
from .inputs.object import ObjectFile, BITCODE_MAGICS, lto_error
from .symbols import LINKER_SYMS
from .search import canon_sysroot, expand_dir, is_sysrooted, sysroot_prefixed
from .symbols import NONE, SHARED, COMMON, WEAK, STRONG
from .bindsyms import bind_globals, bind_shared, first_needed, scan_index, types_conflict, define_shared as _define_shared

TYPE_CHECKING = False
if TYPE_CHECKING:       # (imported where a library is read: a static link does not)
    from .inputs.shared import SharedFile



_REAL_DIRS: dict[str, str] = {}     # directory as named -> os.path.realpath of it, for this process


def real_path(path: str) -> str:
    """os.path.realpath(path), resolving each directory once: realpath costs an lstat per path
    component, and a link names many files in the same few deep directories (a Rust link: ~20 rlibs
    under ~/.rustup). A symbolic link as the last component is resolved in full."""
    d, b = os.path.split(path)
    if not b or b == "." or b == "..":
        return os.path.realpath(path)
    rd = _REAL_DIRS.get(d)
    if rd is None:
        rd = _REAL_DIRS[d] = os.path.realpath(d or ".")
    p = os.path.join(rd, b)
    return os.path.realpath(p) if os.path.islink(p) else p


class _PluginsOnDemand:
    """Stands for the -plugin host until an input needs it: gcc passes its LTO plugin to every link,
    most have no IR input, and importing plugin.py cost each of them ~0.5 ms."""
    loaded = False
    files = ()                      # (the IR files the plugin claimed: none yet)

    def __init__(self, ctx, reader):
        self.ctx = ctx
        self.reader = reader

    def claim(self, *args):
        from .plugin import PluginHost
        host = self.reader.plugins = self.ctx.plugins = PluginHost(self.ctx, self.reader)
        return host.claim(*args)

    def cleanup(self) -> None:
        pass


def _drop_linked_to(secs: list, dropped: set[int]) -> None:
    """bfd discards a SHF_LINK_ORDER section outside the group whose linked-to section is a discarded
    COMDAT copy (gcc's __patchable_function_entries of an inline function, linked to the other copy
    of its .text)."""
    big = len(secs) > 0xff00            # (sh_link past 0xff00: sections.linked_section)
    for i, sec in enumerate(secs):
        if sec is not None and getattr(sec, "flags", 0) & SHF_LINK_ORDER:     # (an LTO IR object's: no flags)
            link = sec.link + 0x100 if big and sec.link >= 0xff00 else sec.link
            if link in dropped:
                secs[i] = None


class Reader:
    def __init__(self, ctx):
        self.ctx = ctx
        self.cfg = ctx.config
        self.archives: dict[str, Archive] = {}
        self._defines_cache: dict = {}     # (archive, member, name) -> member defines name (not COMMON)
        self.dso_paths: dict[str, SharedFile] = {}
        self.sonames: dict[str, SharedFile] = {}
        # -L directories and the default ones (bfd's script: SEARCH_DIR("=/usr/lib/...")), with
        # `=`/`$SYSROOT` replaced by --sysroot's directory; -nostdlib drops the defaults
        sysroot = self.cfg.sysroot
        self.sysroot = sysroot
        self.canon_sysroot = canon_sysroot(sysroot)
        self.search_dirs = [expand_dir(d, sysroot) for d in self.cfg.library_paths]
        self.default_dirs = [] if self.cfg.nostdlib else [sysroot + d for d in ctx.target.lib_dirs]
        self.lib_dirs = self.search_dirs + self.default_dirs    # + input scripts' SEARCH_DIRs, after
        self.ld_so_conf: list[str] | None = None        # its directories, read when first needed
        self.passed_over: list[str] = []
        self._native: bool | None = None     # is this target's bfd the host's native linker? (_needed_dirs)    # files found by a DT_NEEDED search that are no library for it
        self.target_chosen = False
        self.order = 0
        self.wraps = set(self.cfg.wraps)
        self.group: list | None = None
        # -Map's LOAD / START GROUP / END GROUP lines: each input as bfd opens it (mapfile.py)
        self.map_loads: list[str] | None = [] if self.cfg.map_file else None
        self.map_lto_at = -1            # where bfd lists the LTO plugin's objects: after the first claimed file
        self.pending_as_needed: list[SharedFile] = []
        # the names -u/--undefined/--require-defined and scripts' EXTERN reference (first_needed)
        self.cmdline_refs: set[str] = set(self.cfg.undefined)
        ctx.cmdline_refs = self.cmdline_refs        # (symtab.py: an unresolved one stays in .symtab)
        self.dso_defs: dict[str, tuple] = {}
        self.versioned_refs: list = []
        self.lib_conflicts: set[str] = set()    # names whose library definition bfd ignored (library_def_ignored)
        # the --as-needed libraries left out: bfd's as-needed restore of its symbol table keeps the
        # non_ir_ref_dynamic of the names they define or reference, so the LTO plugin hears that an IR
        # definition of one is visible from outside (plugin.py: _visible_outside builds the set)
        self.dropped_libs: list[SharedFile] = []
        ctx.dso_undefs = set()
        self.dso_strong_undefs: dict[str, str] = {}  # non-weak references of the linked libraries (-> which)
        self.dso_plain_refs: set[str] = set()        # those without a version: archive members may define them
        self.dso_needed: set[str] = set()           # and their DT_NEEDED names
        ctx.script_assigns = []     # (symbol, expression, script path, PROVIDE/HIDDEN kind)
        ctx.early_provides = set()  # PROVIDEs that acted where they appeared (early_assign)
        self.script_defined: set[str] = set()   # assigned before the archives now read
        # bfd rescans a group while the previous pass added new undefined symbols to its hash table;
        # this counts them (names first referenced, non-weak), so -t prints what bfd prints
        self.undefs_seq = 0
        self.warned: set[str] = set()                 # .gnu.warning.SYM already reported
        self.warn_pending: dict[str, str] = {}         # … read before any reference to SYM
        self.group_seq0 = 0
        self.copy_dt_needed = False     # --copy-dt-needed-entries in force for the input being read
        cfg = self.cfg
        self.tracer = None
        if cfg.trace or cfg.trace_symbols or cfg.dependency_file:
            from .trace import Tracer
            self.tracer = Tracer(cfg)
        self.plugins = None
        if cfg.plugins:
            self.plugins = ctx.plugins = _PluginsOnDemand(ctx, self)
        self.ir_output_ok = False   # -r: the LTO plugin's objects hold IR again (plugin.replace_ir)
        self.opening = None         # the archive being opened for the first time (Archive.first_last)
        self.lto_done = False       # the plugin has compiled the IR: no IR member loads any more
        # with a plugin: each archive use and --as-needed library in command-line order, as
        # (its place in the input order, the archive or library, its group's list or None), for the
        # post-LTO rescan (rescan_after_lto)
        self.rescan_log: list | None = [] if cfg.plugins else None
        # -r: every object goes to the plugin's claim hook, as bfd offers them (GCC's plugin counts
        # the ones it does not claim: with any, a partial link is -flinker-output=nolto-rel); other
        # links offer only the objects that may hold IR (no other plugin claims anything else)
        self.offer_all = bool(cfg.relocatable)
        self.first_obj = None       # bfd's dynobj, for -y (trace.Tracer.linker_definitions)
        self.dynobj_done = False
        self.dsos_named: list[str] = []     # the libraries read, as named (Target.static_first_refuses_dsos)
        self.input_cache = None     # parsed archive members kept across links (inputs/cache.py)
        self.last_stat = None       # os.fstat of the file open() mapped last
        if cfg.input_cache:
            from .inputs.cache import cache_dir, InputCache
            d = cache_dir()
            if d:
                self.input_cache = InputCache(d, real_path)

    # ---------- files ----------
    def open(self, path: str):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as e:
            raise LinkError(f"cannot open {path}: {e.strerror}") from None
        self.ctx.record.opened(path)
        try:
            self.last_stat = st = os.fstat(fd)
            size = st.st_size
            if size == 0:
                return memoryview(b"")
            m = mmap.mmap(fd, size, prot=mmap.PROT_READ)
        except (OSError, ValueError) as e:
            raise LinkError(f"cannot read {path}: {e}") from None
        finally:
            os.close(fd)
        self.ctx.mmaps.append(m)
        return memoryview(m)

    def shared_file(self, path: str, view, as_needed: bool, order: int) -> SharedFile:
        """SharedFile of the library open() just mapped, from the input cache when it has it."""
        from .inputs.shared import SharedFile       # (not imported by a static link)
        cache = self.input_cache.shared(path, self.last_stat) if self.input_cache is not None else None
        if cache is not None:
            rec = cache.get(view)
            if rec is not None:
                try:
                    return SharedFile(path, view, as_needed, order=order, target=self.ctx.target, record=rec)
                except (ValueError, TypeError):
                    pass        # a record of another shape: parse the library instead
        so = SharedFile(path, view, as_needed, order=order, target=self.ctx.target)
        if cache is not None:
            cache.put(view, so.to_record())
        return so

    def missing(self, arg: str, msg: str) -> None:
        """A searched input not found: bfd reports it and goes on reading the others (each one
        missing is reported, after --error-handling-script's `missing-lib ARG`), then stops once
        every input is read (Reader.run's check)."""
        if self.cfg.error_handling_script is not None:
            from .errscript import run
            run(self.cfg.error_handling_script, "missing-lib", arg)
        diag.error(msg)

    def find_lib(self, name: str, static: bool) -> str | None:
        """-lNAME's file; None when it is missing (reported)."""
        if name.startswith(":"):
            for d in self.lib_dirs:
                p = os.path.join(d, name[1:])
                if os.path.isfile(p) and self._compatible(p, name, 1 if static else 2):
                    return p
            self.missing(f"-l{name}", f"unable to find library -l{name}")
            return None
        for d in self.lib_dirs:
            if not static and not self.cfg.relocatable:     # (bfd: -r's -l finds archives only)
                p = os.path.join(d, f"lib{name}.so")
                if os.path.isfile(p) and self._compatible(p, name, 1):
                    return p
            p = os.path.join(d, f"lib{name}.a")
            if os.path.isfile(p) and self._compatible(p, name, 1):
                return p
        self.missing(f"-l{name}", f"unable to find library -l{name}")
        return None

    def _compatible(self, path: str, name: str, tries: int) -> bool:
        """bfd skips a library of another class or machine found in the search path (a 32-bit
        libfoo.so in a -L directory) and goes on searching, saying so unless
        --no-warn-search-mismatch; it tries -l:FILE twice when linking dynamically (each try warns)."""
        if not _foreign_elf(path, self.ctx.target.e_machine):
            return True
        if self.cfg.warn_search_mismatch:
            for _ in range(tries):
                diag.warn(f"skipping incompatible {path} when searching for -l{name}", located=True)
        return False

    def find_script_file(self, name: str, script_path: str, sysrooted: bool) -> str | None:
        """A file named in a linker script's INPUT/GROUP, as bfd finds it: `=X`/`$SYSROOTX` in the
        sysroot; an absolute name inside the sysroot when the script itself lies in it (glibc's
        libc.so in a sysroot names /lib/...: only the sysroot's copy counts), else as it is; a
        relative name in the script's directory, the current one, then the search directories."""
        p = sysroot_prefixed(name, self.sysroot)
        if p is not None:
            name = p
        elif os.path.isabs(name) and sysrooted:
            if os.path.exists(self.sysroot + name):
                return self.sysroot + name
            raise LinkError(f"{script_path}: cannot find {name} inside {self.sysroot}")
        if os.path.isabs(name):
            if os.path.exists(name):
                return name
            self.missing(name, f"{script_path}: cannot find {name} (named in linker script)")
            return None
        # bfd 2.40: next to the script first (`./NAME` for a script in the current directory), then
        # the current directory, then the search path
        p = os.path.join(os.path.dirname(script_path) or ".", name)
        if os.path.isfile(p):
            return p
        if os.path.exists(name):
            return name
        for d in self.lib_dirs:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                return p
        self.missing(name, f"{script_path}: cannot find {name} (named in linker script)")
        return None

    # ---------- driver ----------
    def run(self) -> None:
        at = self.cfg.defsym_at
        k = 0
        for i, spec in enumerate(self.cfg.inputs):
            if getattr(spec, "preloaded", False):
                continue                # named in a SECTIONS script read earlier: loaded there (bfd)
            if spec.dscript and any(sp.tscript and not sp.dscript for sp in self.cfg.inputs):
                self.ctx.ignored_dscript = spec.value       # bfd does not even open it
                continue
            self.copy_dt_needed = spec.copy_dt_needed
            while k < len(at) and at[k] <= i:
                name, expr = self.cfg.defsyms[k]
                self.early_assign(name, expr, "")
                k += 1
            if spec.kind == "group_start":
                if self.map_loads is not None:
                    self.map_loads.append("START GROUP")
                self.group = []
                self.group_seq0 = self.undefs_seq
            elif spec.kind == "group_end":
                if self.map_loads is not None:
                    self.map_loads.append("END GROUP")
                self.finish_group()
            elif spec.kind == "lib":
                if spec.binary:
                    raise LinkError(f"-l{spec.value} with -b binary is not supported")
                p = self.find_lib(spec.value, spec.static)
                if p is not None:
                    self.add_path(p, spec.as_needed, spec.whole_archive, spec.static, os.path.basename(p),
                                  from_lib=True)
            elif spec.just_syms:        # --just-symbols / -R FILE
                from .justsyms import just_symbols_object
                if self.cfg.pic and not self.cfg.relocatable:
                    # bfd resolves PC-relative references to them as if they moved with the output
                    # (wrong addresses once a PIE or library is loaded elsewhere)
                    raise LinkError(f"option --just-symbols (-R {spec.value}) is not supported with -pie/-shared")
                p = sysroot_prefixed(spec.value, self.sysroot)
                if self.tracer is not None:
                    self.tracer.opened(spec.value)
                from .symbols import EXPORTED_LINKER_SYMS
                rel = self.cfg.relocatable
                skip = () if rel or any(sp.tscript for sp in self.cfg.inputs) else EXPORTED_LINKER_SYMS
                self.add_object(just_symbols_object(spec.value, self.open(spec.value if p is None else p),
                                                    self.next_order(), self.ctx.target, skip, rel))
            elif spec.binary:           # -b binary: the bytes become an object's .data
                from .binaryinput import binary_object
                p = sysroot_prefixed(spec.value, self.sysroot)
                if self.tracer is not None:
                    self.tracer.opened(spec.value)
                self.add_object(binary_object(spec.value, self.open(spec.value if p is None else p),
                                              self.next_order(), self.ctx.target))
            else:
                p = sysroot_prefixed(spec.value, self.sysroot)
                path = spec.value if p is None else p
                if not os.path.exists(path):
                    # bfd goes on reading the inputs (each missing one reported) and stops after them
                    diag.error(f"cannot open {path}: No such file or directory")
                    continue
                self.add_path(path, spec.as_needed, spec.whole_archive, spec.static, spec=spec)

    def early_assign(self, name: str, expr: str, kind: str) -> None:
        """An assignment (--defsym, a script's `SYM = EXPR;`) defines SYM where it appears among the
        inputs, as in bfd: archives read after it do not load a member for SYM, and a symbol operand
        of EXPR is referenced from there on.  PROVIDE acts only when SYM is referenced and undefined
        at that point; it then defines SYM for good (a later definition does not replace it)."""
        s = self.ctx.symtab.get(name)
        if kind.startswith("PROVIDE"):
            if s is None or s.rank != NONE or not (s.ref_regular or s.ref_dynamic):
                return
            self.ctx.early_provides.add(name)
        self.script_defined.add(name)
        from .passes import _assign_re, wrapped_ref
        m = _assign_re().match(expr)
        if m:
            names = [] if m.group(1)[0].isdigit() else [m.group(1)]
        else:           # (an expression: each symbol it reads)
            from .insertscript import defsym_assigns
            from .scriptlayout import symbol_refs
            names = []
            if not kind:
                symbol_refs(defsym_assigns(name, expr)[0].expr, names)
        for n in names:
            if n not in LINKER_SYMS:
                r = self.ctx.sym(wrapped_ref(self.cfg.wraps, n))
                r.ref_strong = r.ref_regular = True

    def finish_group(self) -> None:
        """Rescan the group's archives and dropped --as-needed libraries as bfd does: again while the
        previous pass (the first is the opening of the members) added new undefined symbols.  One more
        pass, quiet for -t, runs while anything was still loaded, so the result never depends on
        that count."""
        members = self.group or []
        self.group = None
        tr = self.tracer
        changed = self.undefs_seq != self.group_seq0
        progress = True
        while changed or progress:
            start = self.undefs_seq
            progress = False
            for m in members:
                if isinstance(m, Archive):
                    if changed and tr is not None:
                        tr.rescanned(m.path)
                    if self.scan_archive(m):
                        progress = True
                elif m.is_shared and not m.is_alive:
                    if changed and tr is not None:
                        tr.rescanned(m.path)
                        tr.dso_mentions(m)
                    if self.try_as_needed(m):
                        progress = True
            changed = changed and self.undefs_seq != start

    def add_path(self, path: str, as_needed: bool, whole: bool, static: bool, needed_name=None,
                 from_lib: bool = False, spec=None) -> None:
        """needed_name: the DT_NEEDED string for a library without DT_SONAME (bfd: the name as given,
        or the file name for -l)."""
        tr = self.tracer
        if tr is not None:
            if spec is not None and spec.tscript:
                tr = None           # a -T script: bfd read it with the options (trace.Tracer)
            else:
                tr.opened(path)
        if self.map_loads is not None and not (spec is not None and spec.tscript):
            self.map_loads.append("LOAD " + path)
        if path in self.archives:
            ar = self.archives[path]
            self._archive_use(ar)
            if self.group is not None:
                self.group.append(ar)
            if self.rescan_log is not None:
                self.rescan_log.append((float(self.order), ar, self.group))
            self.scan_archive(ar)
            return
        real = real_path(path)
        if real in self.dso_paths:
            if static:
                _static_dso(path)
            so = self.dso_paths[real]
            if so.is_alive or as_needed:
                if not as_needed:
                    so.as_needed = False
                elif not so.is_alive:
                    if tr is not None:
                        tr.dso_mentions(so)
                    if self.rescan_log is not None:
                        self.rescan_log.append((float(self.order), so, self.group))
                    self.try_as_needed(so)
                return
            # bfd forgets an --as-needed library it found unneeded: named again without --as-needed,
            # it is read afresh here (DT_NEEDED at this place, under this name)
            self._forget_dropped(so)
            del self.dso_paths[real]
        view = self.open(path)
        magic = bytes(view[:8])
        if magic[:4] == b"\x7fELF":
            if len(view) < 18:
                raise LinkError(f"{path}: file too short for an ELF header")
            etype = view[16] | (view[17] << 8)
            if etype == ET_REL:
                self._first_elf(view)
                obj = ObjectFile(path, view, order=self.next_order(), target=self.ctx.target)
                if self.plugins is not None and (obj.has_lto_ir or self.offer_all):
                    ir = self.plugins.claim(path, path, 0, len(view), None, view)
                    if ir is not None:
                        self._map_claimed()
                        ir.order = obj.order
                        obj = ir
                self.add_object(obj)
            elif etype == ET_DYN:
                if static:
                    _static_dso(path)
                self.dsos_named.append(path)
                self._first_elf(view)
                so = self.shared_file(path, view, as_needed, self.next_order())
                so.copy_needed = self.copy_dt_needed
                if not so.has_soname:
                    so.soname = needed_name or path
                self.dso_paths[real] = so
                if so.audit:        # (bfd: every library given to the link, --as-needed or not)
                    self.ctx.dso_audits.append(so.audit)
                old = self.sonames.get(so.soname)
                if old is not None:
                    if old.is_alive or as_needed:
                        return
                    self._forget_dropped(old)     # (as above: this copy is read afresh)
                self.sonames[so.soname] = so
                from .symwarn import dso_warning_texts
                texts = dso_warning_texts(so)
                if texts:
                    self._symbol_warnings(so, texts, True)
                if tr is not None:
                    if not self.cfg.pic and self.first_obj is not None and not self.dynobj_done:
                        # bfd creates its dynamic sections when the first library is added
                        self.dynobj_done = True
                        tr.linker_definitions(self.first_obj, True)
                    tr.dso_mentions(so)
                if self.group is not None:
                    self.group.append(so)
                if as_needed:
                    so.is_alive = False
                    if self.rescan_log is not None:
                        self.rescan_log.append((float(so.order), so, self.group))
                    self.try_as_needed(so)
                else:
                    self.add_shared(so)
            else:
                raise LinkError(f"{path}: unsupported ELF file type {etype}")
        elif magic[:4] in BITCODE_MAGICS:
            ir = self.plugins.claim(path, path, 0, len(view), None, view) if self.plugins is not None else None
            if ir is not None:
                self._map_claimed()
            if ir is None:
                raise lto_error(path, "LLVM bitcode")
            ir.order = self.next_order()
            self.add_object(ir)
        elif magic == AR_MAGIC or magic == THIN_MAGIC:
            st = self.last_stat
            ar = Archive(path, view, self.open)
            ar.pos = float(self.order)
            self.archives[path] = ar
            if self.input_cache is not None and not ar.thin:
                ar.cache = self.input_cache.archive(path, st)
            self.opening = ar
            if whole:
                for off in ar.members():
                    self.load_member(ar, off)
            else:
                if not ar.has_index and ar.first_member < len(view):
                    # bfd refuses a non-empty archive without a symbol index, needed or not
                    raise LinkError(f"{path}: error adding symbols: archive has no index; run ranlib to add one")
                self._archive_use(ar)
                if self.group is not None:
                    self.group.append(ar)
                if self.rescan_log is not None:
                    self.rescan_log.append((ar.pos, ar, self.group))
                self.scan_archive(ar)
            self.opening = None
        else:
            if tr is not None:
                tr.script(path, from_lib)
            self.add_script(path, view, as_needed, static, tscript=spec is not None and spec.tscript,
                            nlib=getattr(spec, "lib_dirs_before", None))

    def _forget_dropped(self, so: SharedFile) -> None:
        """An unneeded --as-needed library about to be read again without --as-needed."""
        if self.sonames.get(so.soname) is so:
            del self.sonames[so.soname]

    def _symbol_warnings(self, file, texts, dynamic: bool) -> None:
        """`.gnu.warning.SYM` sections of an input being read, as bfd handles them then: SYM already
        referenced → the warning now (at the first referencing file's references); not referenced
        yet → at the first reference to come.  A library's warning does not apply to a SYM that is
        already defined; an object's does if SYM was referenced.  Once per symbol."""
        from .symwarn import report_symbol_warning
        symtab = self.ctx.symtab
        for name, text in texts:
            if name in self.warned:
                continue
            s = symtab.get(name)
            if s is not None and s.rank != NONE and dynamic:
                continue
            at = None if s is None else s.ref_file if s.rank == NONE else s.file
            if s is None or s.ref_file is None or getattr(at, "is_ir", False):
                # (an LTO IR file has no relocations to point at: bfd warns at the LTRANS object's
                # reference, when the plugin adds it, or not at all if the optimised code lost it)
                self.warn_pending.setdefault(name, text)
                continue
            self.warned.add(name)
            self.warn_pending.pop(name, None)
            report_symbol_warning(self.ctx, at, file, name, text)

    def _pending_warnings(self, obj) -> None:
        """obj references a symbol whose warning was read before any reference: bfd warns now (not
        at an LTO IR file: at the LTRANS object's reference to come)."""
        from .symwarn import report_symbol_warning
        if getattr(obj, "is_ir", False):
            return
        pending = self.warn_pending
        esyms = obj.esyms
        names = obj.sym_names
        for i in range(obj.first_global, len(esyms)):
            if esyms[i][3] == SHN_UNDEF and esyms[i][1] >> 4 != STB_LOCAL and names[i] in pending:
                name = names[i]
                text = pending.pop(name)
                self.warned.add(name)
                report_symbol_warning(self.ctx, obj, obj, name, text)

    def _first_elf(self, view) -> None:
        """Without -m, the first ELF input chooses the target (the default one stays when braze has
        none for its machine: reading the file then reports the mismatch); the default library
        directories follow it."""
        if self.target_chosen:
            return
        self.target_chosen = True
        if self.cfg.emulation is not None or len(view) < 20:
            return
        from .arch import select_target
        t = select_target(view[18] | (view[19] << 8))
        if t is None or t is self.ctx.target:
            return
        self.ctx.target = t
        if not self.cfg.nostdlib:
            n = len(self.search_dirs)
            rest = self.lib_dirs[n + len(self.default_dirs):]
            self.default_dirs = [self.sysroot + d for d in t.lib_dirs]
            self.lib_dirs = self.search_dirs + self.default_dirs + rest

    def next_order(self) -> int:
        self.order += 1
        return self.order

    def add_script(self, path: str, view, as_needed: bool, static: bool, tscript: bool = False,
                   nlib=None) -> None:
        """nlib: for a -T script, how many -L directories came before it (bfd reads it there, so its
        INCLUDEs search only those)."""
        data = bytes(view)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise LinkError(f"{path}: file format not recognized") from None
        if "\0" in text:
            raise LinkError(f"{path}: file format not recognized")
        # (an empty or blank file is an empty linker script to bfd: linked past, as bfd does)
        search = self.search_dirs if nlib is None else self.search_dirs[:nlib]
        from .inputs.script import parse_script     # (GNU ld scripts: libc.so, not a static link)
        res = parse_script(text, path, search, self.cfg.relocatable)
        if tscript and getattr(res, "output_format", None) is not None and self.cfg.script_oformat is None:
            # bfd: the first -T script's, unless --oformat gives one (a script read as an input file comes
            # after the output is opened: its OUTPUT_FORMAT changes nothing)
            self.cfg.script_oformat = res.output_format
        if res.output is not None and not self.cfg.output_given and self.cfg.output == "a.out":
            self.cfg.output = res.output        # bfd: OUTPUT(file) names the output unless -o does
        if res.startup is not None and (self.ctx.objs or self.ctx.dsos or self.archives):
            # bfd links the STARTUP file before every other input, wherever the script is read
            raise LinkError(f"{path}: STARTUP({res.startup}) in a script read after other input files is "
                            "not supported by braze (give the script before the inputs)")
        if self.cfg.relocatable and res.sections is not None:
            if not tscript:
                # (bfd adds its statements after those of its -r default script)
                raise LinkError(f"{path}: SECTIONS in a script given as an input file is not supported by "
                                "braze with -r (give it with -T)")
            if getattr(self.ctx, "r_script", None) is not None:
                raise LinkError(f"{path}: a second SECTIONS command is not supported")
            self.ctx.r_script = res.sections
        if getattr(res, "top", None) is not None:       # a full script (inputs/ldscript.py)
            if res.sections is not None and not tscript and res.insert is not None:
                # bfd 2.40 warns, then never finds the section an input-file script inserts at
                diag.warn(f"{path} contains output sections; did you forget -T?")
                raise LinkError(f"{res.insert[2]}: {res.insert[1]} not found for insert")
            implicit = res.sections is not None and not tscript
            if implicit:
                from .scriptmerge import has_output_sections
                if not has_output_sections(res):
                    # (bfd keeps such statements where the file is among the inputs, before its script)
                    raise LinkError(f"{path}: SECTIONS without output sections in a script given as an input "
                                    "file is not supported by braze")
                # bfd 2.40: the statements go at the end of the main script's (scriptmerge.py)
                diag.warn(f"{path} contains output sections; did you forget -T?")
            self._full_script(res, path, implicit)
            if res.sections is not None:
                self._named_files(res, path)
        if not self.cfg.nostdlib:      # bfd: -nostdlib ignores scripts' SEARCH_DIR too
            # bfd reads input scripts after its default script: their directories come after the defaults
            self.lib_dirs.extend(expand_dir(d, self.sysroot) for d in res.search_dirs)
        sysrooted = is_sysrooted(path, self.canon_sysroot)
        if res.entry and not self.ctx.script_entry:
            self.ctx.script_entry = res.entry
        if res.version_text is not None:
            self.ctx.version_texts.append((path, res.version_text))
        if res.assigns and self.cfg.relocatable:
            # (bfd writes them as symbols of the relocatable output; braze's -r does not, as --defsym)
            raise LinkError(f"{path}: symbol assignments in a linker script are not supported by braze with -r")
        for name, expr, kind in res.assigns:
            self.ctx.script_assigns.append((name, expr, path, kind))
            self.early_assign(name, expr, kind)
        outer_group = self.group is not None
        loads = self.map_loads
        for kind, value, an in res.items:
            if loads is not None and kind in ("group_start", "group_end"):
                loads.append("START GROUP" if kind == "group_start" else "END GROUP")
            if kind == "group_start":
                if not outer_group:
                    self.group = []
                    self.group_seq0 = self.undefs_seq
            elif kind == "group_end":
                if not outer_group:
                    self.finish_group()
            elif kind == "lib":
                p = self.find_lib(value, static)
                if p is not None:
                    self.add_path(p, as_needed or an, False, static, os.path.basename(p), from_lib=True)
            else:
                p = self.find_script_file(value, path, sysrooted)
                if p is not None:
                    self.add_path(p, as_needed or an, False, static)

    def _named_files(self, res, path: str) -> None:
        """bfd's lookup_name: a file named without wildcards in an input section description is
        loaded when the script is read (its position in the inputs), unless an input of that exact
        name is already loaded; an input of that name later on the command line is loaded now instead."""
        seen = set()
        for stmt in res.sections:
            for b in getattr(stmt, "body", ()):
                name = getattr(b, "file", None)
                if not name or name == "*" or name in seen or any(c in name for c in "*?[:"):
                    continue
                seen.add(name)
                if any(o.name == name or getattr(o, "script_name", None) == name for o in self.ctx.objs):
                    continue
                later = next((s for s in self.cfg.inputs if s.kind == "file" and s.value == name and not
                              getattr(s, "preloaded", False) and not s.binary and not s.tscript), None)
                n = len(self.ctx.objs)
                if later is not None:
                    later.preloaded = True
                    p = sysroot_prefixed(name, self.sysroot)
                    self.add_path(name if p is None else p, later.as_needed, later.whole_archive, later.static,
                                  spec=later)
                else:
                    p = self.find_script_file(name, path, False)
                    if p is None:
                        continue
                    self.add_path(p, False, False, False)
                for o in self.ctx.objs[n:n + 1]:
                    o.script_name = name        # (matched by the name the script gives)

    def _full_script(self, res, path: str, implicit: bool = False) -> None:
        """A script with SECTIONS (or other layout commands): kept for scriptlayout. EXTERN names are
        undefined references, as -u makes them."""
        ctx = self.ctx
        if res.output_arch is not None:
            # bfd's names (i386:x86-64, aarch64…): the part after the family must be the target's
            arch, where = res.output_arch
            if arch.split(":")[-1].replace("_", "-") != ctx.target.name:
                raise LinkError(f"{where}: unsupported output architecture {arch} (braze writes "
                                f"{ctx.target.name})")
        for name in res.externs:
            self.cmdline_refs.add(name)
            s = ctx.sym(name)
            s.ref_strong = True
            s.ref_regular = True
        if res.insert is not None:         # (moved into the main script once all are read: insertscript.py)
            ctx.insert_scripts.append(res)
        elif implicit:
            ctx.implicit_scripts.append(res)
        elif res.sections is not None:
            if ctx.pending_lscript is not None:      # bfd: its statements follow the first one's
                ctx.more_scripts.append(res)
                return
            ctx.pending_lscript = res
            ctx.inserts_before_main = len(ctx.insert_scripts)
        elif res.memory or res.top:
            what = "MEMORY" if res.memory else "ASSERT" if any(not hasattr(c, "name") for c in res.top) \
                else "symbol assignments"
            raise LinkError(f"{path}: {what} in a linker script without SECTIONS is not supported by braze")

    # ---------- archives ----------
    def scan_archive(self, ar: Archive) -> bool:
        """Load the members the index says are needed now, again while any was (bindsyms.scan_index)."""
        return scan_index(self, ar, self.ctx.symtab, self.script_defined)

    def _member_defines(self, ar: Archive, off: int, name: str) -> bool:
        """Does the member really define `name` (not as COMMON)? GNU ld loads such a member for a
        symbol that is only COMMON so far: the initialised definition wins over the tentative one."""
        key = (id(ar), off, name)
        hit = self._defines_cache.get(key)
        if hit is None:
            mname, view = ar.member(off)
            hit = False
            if bytes(view[:4]) == b"\x7fELF":
                self._first_elf(view)
                obj = ObjectFile(mname, view, archive=ar, target=self.ctx.target)
                lcommon = self.ctx.target.large_common_shndx
                for i in range(obj.first_global, len(obj.esyms)):
                    e = obj.esyms[i]
                    if obj.sym_names[i] == name and e[3] not in (SHN_UNDEF, SHN_COMMON) and \
                            not (lcommon and e[3] == lcommon) and e[1] >> 4 != STB_LOCAL:
                        hit = True
                        break
                if not hit and obj.has_lto_ir:
                    from .plugin import gcc_ir_defines
                    hit = gcc_ir_defines(view, name)
            self._defines_cache[key] = hit
        return hit

    def _archive_use(self, ar: Archive) -> None:
        """--print-archive-stats: a row per (non-whole) use of an archive, as lld; the members a
        later group rescan loads count for the archive's latest use."""
        row = ar.use_row = [ar, 0]
        self.ctx.archive_uses.append(row)

    def load_member(self, ar: Archive, off: int, why=None) -> None:
        """why: the symbol whose reference pulled the member in (None: --whole-archive)."""
        if off in ar.loaded:
            return
        name, view = ar.member(off)
        if bytes(view[:4]) != b"\x7fELF":
            if bytes(view[:4]) in BITCODE_MAGICS:
                obj = self._claim_member(ar, off, name, view)
                if obj is None:
                    if self.lto_done:       # (bfd: an IR member is not loaded after LTO)
                        ar.loaded[off] = None
                        return
                    raise lto_error(name, "LLVM bitcode")
                obj.order = self.next_order()
                ar.loaded[off] = obj
                if self.opening is ar:
                    ar.first_last = obj
                if self.tracer is not None:
                    self.tracer.member(ar, name)
                self.add_object(obj)
                return
            ar.loaded[off] = None   # e.g. rustc's lib.rmeta: not an object, skipped
            return
        if len(view) >= 18 and (view[16] | (view[17] << 8)) != ET_REL:
            raise LinkError(f"{name}: archive member is not a relocatable object")
        self._first_elf(view)
        cache = ar.cache
        order = self.next_order()
        target = self.ctx.target
        obj = None
        if cache is not None:
            rec = cache.get(off, view)
            if rec is not None:
                try:
                    obj = ObjectFile(name, view, archive=ar, order=order, target=target, record=rec)
                except (ValueError, TypeError, IndexError):
                    obj = None      # a record of another shape: parse the member instead
        if obj is None:
            obj = ObjectFile(name, view, archive=ar, order=order, target=target)
            if cache is not None and obj.cacheable:
                cache.put(off, view, obj.to_record())
        if self.plugins is not None and (obj.has_lto_ir or self.offer_all):
            ir = self._claim_member(ar, off, name, view)
            if ir is not None:
                ir.order = obj.order
                obj = ir
            elif self.lto_done and obj.has_lto_ir:
                # bfd loads no member holding IR (slim or fat) once the plugin has compiled the IR:
                # the compiled code's new references (a libgcc helper) go on to the later archives
                ar.loaded[off] = None
                return
        ar.loaded[off] = obj
        if self.opening is ar:
            ar.first_last = obj
        self.ctx.extracted.append((obj, why))       # explain.py: --why-extract, -Map, archive stats
        if why is not None:
            ar.use_row[1] += 1
        if self.tracer is not None:
            self.tracer.member(ar, name)
        self.add_object(obj)

    def _claim_member(self, ar: Archive, off: int, name: str, view):
        """Offer an archive member to the plugins: the archive's path and the member's offset in it
        (a thin archive's member is its own file)."""
        if self.plugins is None:
            return None
        path, data_off, size = ar.member_location(off)
        ir = self.plugins.claim(name, path, data_off, size, ar, view)
        if ir is not None and self.map_loads is not None and self.map_lto_at < 0:
            # (bfd lists the plugin's objects before the archive whose member it claimed first)
            line = "LOAD " + ar.path
            at = [i for i, ln in enumerate(self.map_loads) if ln == line]
            self.map_lto_at = at[-1] if at else len(self.map_loads)
        return ir

    def _map_claimed(self) -> None:
        """A file the LTO plugin claimed: the first one fixes where -Map lists the plugin's objects."""
        if self.map_loads is not None and self.map_lto_at < 0:
            self.map_lto_at = len(self.map_loads)

    def rescan_after_lto(self, start: float) -> None:
        """bfd rescans the archives and the unused --as-needed libraries once the plugin's objects
        are in: the compiled code may call what no IR symbol named (libgcc helpers, memcpy).  As
        bfd's one walk over its input statements: from its plugin insertion point on (`start`, in
        the input order: the first claimed object, or the last object or library before the first
        claimed member), each archive use and --as-needed library once, in command-line order, a
        group again while anything was loaded (from its start once the walk is in it).  So an
        archive before the IR does not serve the compiled code, nor does one named before the
        archive whose member needs it, outside a group (bfd: an undefined reference)."""
        self.lto_done = True
        log = self.rescan_log or []
        done: set = set()
        for pos, item, group in log:
            if pos < start:
                continue
            if group is None:
                self._rescan_one(item)
                continue
            if id(group) in done:
                continue
            done.add(id(group))
            for p, m, g in log:         # the group's rest, then all of it while that loads
                if g is group and p >= start:
                    self._rescan_one(m)
            progress = True
            while progress:
                progress = False
                for m in group:
                    if self._rescan_one(m):
                        progress = True

    def _rescan_one(self, item) -> bool:
        if isinstance(item, Archive):
            return self.scan_archive(item)
        return not item.is_alive and self.try_as_needed(item)

    # ---------- symbols ----------
    def add_object(self, obj: ObjectFile) -> None:
        if obj.lto_slim and not self.ir_output_ok:
            raise lto_error(obj.name)
        ctx = self.ctx
        ctx.objs.append(obj)
        if obj.warnings:
            self._symbol_warnings(obj, obj.warnings.items(), False)
        tr = self.tracer
        if tr is not None:
            if self.first_obj is None:
                self.first_obj = obj
                if self.cfg.pic:
                    tr.linker_definitions(obj, True)
            tr.object_mentions(obj)
        base = os.path.basename(obj.name)
        obj.is_crtbegin_end = base.startswith(("crtbegin", "crtend"))
        comdat = ctx.comdat
        secs = obj.sections
        if not self.cfg.relocatable:
            self._linkonce(obj, secs, comdat)
        dropped: list[int] | None = None
        for sig, members in obj.comdat_groups:
            owner = comdat.get(sig)
            if owner is None:
                comdat[sig] = obj
                for m in members:
                    if secs[m] is not None:
                        secs[m].group = sig
            else:
                if self.cfg.print_gc_sections:      # bfd lists the discarded copies as removed too
                    obj.discarded_secs = d = getattr(obj, "discarded_secs", None) or {}
                    d.update((m, secs[m]) for m in members)
                for m in members:
                    secs[m] = None
                if dropped is None:
                    dropped = []
                dropped.extend(members)
        if dropped:
            _drop_linked_to(secs, set(dropped))
        no_export = obj.archive is not None and self._excluded(obj.archive)
        syms = bind_globals(self, obj, ctx.symtab, no_export)
        obj.syms = syms
        if self.warn_pending:
            self._pending_warnings(obj)

    def _linkonce(self, obj, secs, comdat) -> None:
        """.gnu.linkonce.* sections (the duplicate elimination before COMDAT groups): bfd keeps the
        first section of each name and discards the later ones, their symbols becoming references
        to the kept copy (_bfd_elf_section_already_linked). braze kept them all and reported
        duplicate symbols."""
        for i, sec in enumerate(secs):
            if sec is None or sec.name[:14] != ".gnu.linkonce." or sec.group is not None:
                continue
            key = "\0linkonce " + sec.name
            if key in comdat:
                if self.cfg.print_gc_sections:
                    obj.discarded_secs = d = getattr(obj, "discarded_secs", None) or {}
                    d[i] = sec
                secs[i] = None
            else:
                comdat[key] = obj

    def _excluded(self, ar) -> bool:
        """--exclude-libs: the archive's base name is listed (with or without `.a`), or ALL is."""
        v = getattr(ar, "no_export", None)
        if v is None:
            base = os.path.basename(ar.path)
            v = ar.no_export = any(n == "ALL" or base == n or base == n + ".a" for n in self.cfg.exclude_libs)
        return v

    def add_shared(self, so: SharedFile) -> None:
        """Bind existing undefined symbols now; other definitions wait in dso_defs until a name is
        referenced (interning every libc symbol would dominate small links)."""
        so.is_alive = True
        self.ctx.dsos.append(so)
        symtab = self.ctx.symtab
        lazy = self.dso_defs
        for s in bind_shared(so, symtab, lazy):
            self.library_def_ignored(s)
        for s in self.versioned_refs:
            if s.rank < SHARED:
                d = so.versioned().get(s.name)
                if d is not None:
                    _define_shared(s, so, d)
        dso_undefs = self.ctx.dso_undefs
        for name, vidx in so.strong_undefs:
            if vidx > 1 or (name not in dso_undefs and name not in lazy and name not in symtab):
                self.undefs_seq += 1
                break
        dso_undefs.update(so.undefs)
        plain = self.dso_plain_refs
        for name, vidx in so.strong_undefs:
            self.dso_strong_undefs.setdefault(name, so.name)
            if vidx <= 1:
                plain.add(name)
        self.dso_needed.update(so.needed)
        ignored = self.lib_conflicts
        for name in so.undefs:
            s = symtab.get(name)
            if s is not None and not (ignored and name in ignored and _versioned_ref(so, name)):
                s.ref_dynamic = True

    def library_def_ignored(self, s) -> None:
        """bfd ignored a library's definition of s: its type conflicts with the regular definition's
        (bindsyms.types_conflict). A library's versioned reference (foo@V) then binds to the
        library's foo@@V, not to s, so only unversioned references make s dynamic."""
        self.lib_conflicts.add(s.name)
        s.ref_dynamic = any(so.is_alive and s.name in so.undefs and not _versioned_ref(so, s.name)
                            for so in self.ctx.dsos)

    def scan_indirect_dsos(self) -> None:
        """bfd also reads the libraries that the linked shared libraries need (DT_NEEDED) but the
        command line does not name, in its needed list's order (each library's entries in turn, those
        of libraries read here appended).  Two kinds, by the library that needs them:
        - one given under --no-copy-dt-needed-entries (the default), or needed by such an indirect
          library: read only when the libraries' undefined symbols are checked (see dsocheck); a
          regular object's non-weak reference to a symbol it defines is "DSO missing from command line",
          and a regular definition of a name it defines or references is exported as for a direct
          library (e.g. with -static-libstdc++ and a library needing libstdc++.so.6);
        - one given under --copy-dt-needed-entries, or needed by such an indirect library (copied):
          read in any link, and its own DT_NEEDED ones too; it gets a DT_NEEDED entry only when it
          defines a symbol that a regular object references non-weakly and nothing defined before.
        Either kind's definitions bind the references that are still undefined (weak ones too);
        bfd gives the symbols they define no version (the library is not in .gnu.version_r).
        A library --as-needed dropped does not have its DT_NEEDED entries read."""
        self.ctx.indirect_dsos = []
        if not self.ctx.dsos:
            return
        from .dsocheck import shlib_checked
        checked = shlib_checked(self.cfg)
        alive = [so for so in self.ctx.dsos if so.is_alive]
        copying = any(so.copy_needed for so in alive)
        if not checked and not copying:
            return
        if copying and self.plugins is not None and self.plugins.loaded:
            # (bfd reads them before the plugin's all-symbols-read: the IR's resolutions see them)
            raise LinkError("--copy-dt-needed-entries with LTO (IR) inputs is not supported")
        if copying and self.cfg.cref:
            # (bfd's table then lists some libraries' version definitions twice: not reproduced)
            raise LinkError("--cref with --copy-dt-needed-entries is not supported")
        seen = {so.soname for so in alive} | {os.path.basename(so.path) for so in alive}
        dropped = {so.soname: so for so in self.sonames.values() if not so.is_alive}  # --as-needed
        if copying and self.cfg.plugins:
            # bfd with a -plugin reads the copied ones in a pass of their own first (its hook before the
            # plugin's all-symbols-read), then all (after_open): a library not found is reported twice
            self._read_needed(list(alive), seen, dropped, False)
        self._read_needed(alive + self.ctx.indirect_dsos, seen, dropped, checked)

    def _read_needed(self, queue: list, seen: set, dropped: dict, checked: bool) -> None:
        """One walk of bfd's needed list: the DT_NEEDED entries of the libraries in `queue`, then of
        those read; a --no-copy library's entries only when `checked`."""
        from .dsocheck import check_dso_missing
        symtab = self.ctx.symtab
        tried: set[str] = set()         # (a name not found is reported once a walk)
        while queue:
            so = queue.pop(0)
            copy = so.copy_needed
            if not copy and not checked:
                continue
            for name in so.needed:
                if name in seen or name in tried:
                    continue
                tried.add(name)
                ind = None if copy else dropped.get(name)
                if ind is None:
                    path = self._find_needed(name, so)
                    if path is None:
                        diag.warn(f"{name}, needed by {so.name}, not found (try using -rpath or -rpath-link)")
                        continue
                    ind = self.dso_paths.get(real_path(path)) if copy else None
                    if ind is None:
                        try:
                            ind = self.shared_file(path, self.open(path), False, 0)
                        except LinkError:
                            continue
                        if copy:
                            self.dso_paths[real_path(path)] = ind
                    elif ind.is_alive:
                        seen.add(name)
                        continue
                seen.add(name)
                seen.add(ind.soname)
                if self.tracer is not None:
                    self.tracer.needed_library(ind.path)
                    self.tracer.dso_mentions(ind)
                ind.copy_needed = copy
                ind.dt_needed = True
                if copy:
                    self._add_copied(ind)
                else:
                    check_dso_missing(self.ctx, ind)
                    for s in bind_shared(ind, symtab, self.dso_defs):     # (weak references)
                        self.library_def_ignored(s)
                self.ctx.indirect_dsos.append(ind)
                hidden = ind.def_hidden
                for i, dname in enumerate(ind.def_names):
                    if not hidden[i]:
                        s = symtab.get(dname)
                        if s is not None and s.rank > SHARED and not types_conflict(s.type, ind.row(i)[3]):
                            s.def_dynamic = True
                            if not s.obj_hidden:
                                s.dyn_tried = True
                for n in ind.undefs:
                    s = symtab.get(n)
                    if s is not None and not (n in self.lib_conflicts and _versioned_ref(ind, n)):
                        s.ref_dynamic = True
                queue.append(ind)

    def _add_copied(self, ind: SharedFile) -> None:
        """A library read for a --copy-dt-needed-entries one: needed (a DT_NEEDED entry, after the
        others) when it defines what a regular object references non-weakly and nothing defines;
        else its definitions bind only the references still undefined."""
        found = first_needed(ind, self.ctx.symtab, self.cmdline_refs, self.ctx.objs)
        if found is not None:
            self.ctx.as_needed_why.append((ind, *found))     # (bfd lists it in -Map's as-needed part)
            self.add_shared(ind)
            return
        ind.is_alive = False
        bind_shared(ind, self.ctx.symtab, self.dso_defs)

    def _find_needed(self, name: str, parent: SharedFile):
        """bfd's search for a needed library: -rpath-link, -rpath, LD_RUN_PATH (without -rpath-link and
        -rpath) and LD_LIBRARY_PATH (both for the native linker only), the parent's DT_RUNPATH/DT_RPATH,
        the directories of ld.so.conf (ldsoconf.py), then the default and the scripts' SEARCH_DIR
        directories -- not the command line's -L ones. Each list is colon-separated (an empty element
        is the current directory) and has $ORIGIN (the parent's directory) and $LIB expanded; only
        -rpath's, the run path's and ld.so.conf's absolute directories are put in the sysroot. A file
        that is not a shared library of the link's machine is passed over, as bfd does."""
        if "/" in name:
            return name if os.path.isfile(name) else None
        self.passed_over = []
        found = self._search_needed(name, parent)
        if self.tracer is not None and self.passed_over:
            # bfd opened them: --dependency-file lists them
            for path in self.passed_over:
                self.tracer.needed_library(path)
        return found

    def _search_needed(self, name: str, parent: SharedFile) -> str | None:
        """Two passes, as bfd on Linux: the first passes over a library whose DT_NEEDED names some but
        no libc.so.*, or a FOO.so.N where a library loaded has soname FOO.so.M; the second takes the
        first shared library of the link's machine."""
        machine = self.ctx.target.e_machine
        for strict in (True, False):
            for d in self._needed_dirs(parent):
                p = d + "/" + name if d else name
                if not os.path.isfile(p):
                    continue
                needs = _dso_needed(p, machine)
                if needs is not None and not (strict and needs and not self._first_pass_ok(needs)):
                    return p
                self.passed_over.append(p)
        return None

    def _needed_dirs(self, parent: SharedFile):
        cfg = self.cfg
        native = self._native
        if native is None:
            native = self._native = os.uname().machine in self.ctx.target.host_machines
        env_run = os.getenv("LD_RUN_PATH") if native and not cfg.rpath and not cfg.rpath_link else None
        env_lib = os.getenv("LD_LIBRARY_PATH") if native else None
        lists = [(":".join(cfg.rpath_link), False), (":".join(cfg.rpath), True), (env_run or "", False),
                 (env_lib or "", False), (":".join(parent.runpath), True)]
        origin = os.path.dirname(os.path.abspath(parent.path))
        for path, in_sysroot in lists:
            if not path:
                continue
            for d in path.split(":"):
                if in_sysroot and d.startswith("/"):
                    d = self.sysroot + d
                yield _expand_dst(d, origin) if "$" in d else d
        if self.ld_so_conf is None:
            from .ldsoconf import ld_so_conf_dirs
            self.ld_so_conf = ld_so_conf_dirs(self.sysroot)
        for d in self.ld_so_conf:
            yield _expand_dst(d, origin) if "$" in d else d
        yield from self.lib_dirs[len(self.search_dirs):]     # already inside the sysroot

    def _first_pass_ok(self, needs: list[str]) -> bool:
        loaded = [so.soname if so.has_soname else os.path.basename(so.path)
                  for so in [*self.sonames.values(), *self.ctx.indirect_dsos]]
        for n in needs:
            i = n.find(".so.")
            if i < 0 or "/" in n:
                continue
            stem = n[:i + 4]
            if any(s != n and s.startswith(stem) for s in loaded):
                return False
        return any(n.startswith("libc.so") for n in needs)

    def try_as_needed(self, so: SharedFile) -> bool:
        found = first_needed(so, self.ctx.symtab, self.cmdline_refs, self.ctx.objs)
        if found is not None:
            self.ctx.as_needed_why.append((so, *found))     # explain.py: -Map
            self.add_shared(so)
            return True
        for s in self.versioned_refs:
            if s.rank == NONE and s.ref_strong and s.name in so.versioned():
                self.ctx.as_needed_why.append((so, s, None))
                self.add_shared(so)
                return True
        if self.dso_strong_undefs and so.soname not in self.dso_needed:
            # bfd also needs an --as-needed library that defines what a linked library refers to
            # (non-weak) and nothing defines yet, unless a linked library lists it in DT_NEEDED
            symtab = self.ctx.symtab
            hidden = so.def_hidden
            for i, name in enumerate(so.def_names):
                if not hidden[i] and name in self.dso_strong_undefs:
                    s = symtab.get(name)
                    if s is None or s.rank == NONE:
                        if s is None:
                            s = self.ctx.sym(name)
                            s.ref_dynamic = True
                        self.ctx.as_needed_why.append((so, s, so.row(i)))
                        self.ctx.as_needed_dso_ref[id(s)] = self.dso_strong_undefs[name]   # (for -Map)
                        self.add_shared(so)
                        return True
        self.dropped_libs.append(so)
        return False

    def versioned_ref(self, s) -> None:
        """A new `foo@V` reference (.symver in an object): bound to the first loaded library that
        defines foo in version V, hidden or default; libraries loaded later are checked as they come."""
        self.versioned_refs.append(s)
        for so in self.ctx.dsos:
            d = so.versioned().get(s.name)
            if d is not None:
                _define_shared(s, so, d)
                return


def _static_dso(path: str) -> None:
    """A library named where -Bstatic/-static is in force (bfd: fatal as it is opened; without the
    check braze wrote a dynamic program with bfd's default interpreter, which cannot start)."""
    raise LinkError(f"attempted static link of dynamic object `{path}'")


def read_inputs(ctx) -> None:
    from .inputs.object import reset_reloc_budget
    reset_reloc_budget()
    r = Reader(ctx)
    ctx.tracer = r.tracer       # --dependency-file is written even when the link fails
    cfg = ctx.config
    # -u / --undefined / entry create strong references before any archive is scanned
    for name in cfg.undefined:
        s = ctx.sym(name)
        s.ref_strong = True
        s.ref_regular = True
    if cfg.entry and not _is_number(cfg.entry):
        # bfd: a command-line -e SYM is an undefined reference as -u makes (it loads an archive
        # member; an unresolved one stays in .symtab), not a script's ENTRY() nor an address
        r.cmdline_refs.add(cfg.entry)
        s = ctx.sym(cfg.entry)
        s.ref_strong = True
        s.ref_regular = True
    if cfg.lib_main:
        if not cfg.shared:
            raise LinkError(f"--lib-main={cfg.lib_main} requires -shared")
        from .libinit import lib_main_object
        r.add_object(lib_main_object(ctx, order=0))
    r.run()
    diag.check_errors()         # (the inputs bfd could not find: all reported, then the link stops)
    if r.plugins is not None and r.plugins.loaded:
        ctx.mark("read inputs (IR)")
        r.plugins.all_symbols_read()       # the plugin's own time (lto-wrapper, LTRANS jobs) apart
        ctx.mark("LTO plugin")
        r.plugins.replace_ir()
    if r.tracer is not None and r.first_obj is not None and not cfg.pic and not r.dynobj_done:
        r.tracer.linker_definitions(r.first_obj, False)
    ctx.target.setup(cfg)       # the target is final: its option defaults and checks
    if cfg.static_first and ctx.target.static_first_refuses_dsos and not (
            cfg.shared or cfg.dynamic_linker is not None or cfg.no_dynamic_linker or cfg.relocatable):
        # x86 bfd: -static before every input file is a static link, even where -Bdynamic lets
        # libraries be read: each one is an error (after all are read; the link goes on to report more)
        for path in r.dsos_named:
            diag.error(f"attempted static link of dynamic object `{path}'")
    r.scan_indirect_dsos()
    if r.input_cache is not None:
        r.input_cache.save()
    ctx.reader = r
    if ctx.has_symver:
        _bind_default_version_refs(ctx)
        if not cfg.relocatable:
            _bind_hidden_version_aliases(ctx)


def _versioned_ref(so, name: str) -> bool:
    """Does library `so` reference `name` with a version (foo@V)? (Known for its non-weak references.)"""
    return any(n == name and v > 1 for n, v in so.strong_undefs)


def _is_number(text: str) -> bool:
    from .cli import scan_vma
    return scan_vma(text) is not None


def _hide_symver_twin(ctx, d) -> None:
    """An executable's plain `foo` that `.symver foo,foo@V` also names (same object, same place):
    bfd makes foo an alias of foo@V and hides it (elf_link_add_object_symbols), and a hidden version
    is local to an executable, so the program's own references bind here while a library's foo
    stays the library's; a library that references foo is an error. braze exported foo, so a
    library's own calls to its foo came to the program's."""
    if d.name in ctx.dso_undefs:
        diag.error(f"local symbol `{d.name}' in {d.file.name} is referenced by DSO")
        return
    d.visibility = 2                 # STV_HIDDEN: neither exported nor preemptible


def _bind_default_version_refs(ctx) -> None:
    """A reference to `foo@V` where an object defines `foo@@V` is a reference to that definition
    (its key is plain `foo`): point the referencing objects at it."""
    symtab = ctx.symtab
    cfg = ctx.config
    alias = {}
    for key, s in symtab.items():
        if s.rank == STRONG and "@" in key and s.dyn_version is not None and s.dyn_version[1]:
            # a hidden foo@V and a default foo@@V defined (bfd: "multiple definition of `foo@V'"; braze
            # wrote both, two definitions of one version in .dynsym)
            d = symtab.get(key.partition("@")[0])
            if d is not None and d.rank == STRONG and d.dyn_version == (s.dyn_version[0], False) and \
                    d.file is not None and not d.file.is_shared and s.file is not None:
                diag.error(f"duplicate symbol: {key}\n>>> defined at {d.file.name}\n>>> defined at {s.file.name}")
            elif d is not None and d.file is s.file and d.section is s.section and d.value == s.value and \
                    d.rank == STRONG and d.dyn_version is None and not cfg.shared and not cfg.export_dynamic:
                _hide_symver_twin(ctx, d)
            continue
        if s.rank == NONE and "@" in key:
            base, _, ver = key.partition("@")
            d = symtab.get(base)
            if d is not None and d.rank >= COMMON and d.dyn_version == (ver, False):
                alias[s] = d
    if not alias:
        return
    for s, d in alias.items():
        d.ref_regular = d.ref_regular or s.ref_regular
        d.ref_strong = d.ref_strong or s.ref_strong
        del symtab[s.name]
    for obj in ctx.objs:
        obj.syms = [alias.get(x, x) if x is not None else None for x in obj.syms]


def _bind_hidden_version_aliases(ctx) -> None:
    """bfd's `.symver foo, foo@V` rule (elf_link_add_object_symbols, after each object's symbols):
    where an object defines the hidden version foo@V and plain foo at the same place (same section
    and value, both weak or both not), plain foo becomes an indirect symbol for foo@V. References
    to foo are then references to foo@V, and foo itself is neither exported (no foo@@NODE from a
    version script naming foo) nor written to .symtab. A plain foo that is itself a default version
    (`foo@@V2`) is bfd's indirect symbol already and stays as it is. Not in a -r link."""
    symtab = ctx.symtab
    alias = {}
    for key, s in symtab.items():
        ver = s.dyn_version
        if ver is None or not ver[1] or s.rank < WEAK or s.file is None or s.file.is_shared:
            continue
        d = symtab.get(key.partition("@")[0])
        if d is not None and d is not s and d.dyn_version is None and d.file is s.file and \
                d.rank == s.rank and d.section is s.section and d.value == s.value:
            alias[d] = s
    if not alias:
        return
    for d, s in alias.items():
        s.ref_regular = s.ref_regular or d.ref_regular
        s.ref_strong = s.ref_strong or d.ref_strong
        s.ref_dynamic = s.ref_dynamic or d.ref_dynamic
        del symtab[d.name]
        ctx.symver_aliases.append(d.name)
        ctx.symver_alias_of[d.name] = s
    for obj in ctx.objs:
        obj.syms = [alias.get(x, x) if x is not None else None for x in obj.syms]


def _expand_dst(d: str, origin: str) -> str:
    """$ORIGIN/${ORIGIN} (the parent's directory) and $LIB/${LIB} (lib64: braze's targets are ELF64)
    in a search-path element, as bfd expands them: each followed by `/` or ending it; anything else
    ($PLATFORM, `${ORIGIN}x`) stays as written."""
    out = []
    i = 0
    while i < len(d):
        j = d.find("$", i)
        if j < 0:
            break
        out.append(d[i:j])
        for token, value in (("$ORIGIN", origin), ("${ORIGIN}", origin), ("$LIB", "lib64"), ("${LIB}", "lib64")):
            k = j + len(token)
            if d.startswith(token, j) and (k == len(d) or d[k] == "/"):
                out.append(value)
                i = k
                break
        else:
            out.append("$")
            i = j + 1
    out.append(d[i:])
    return "".join(out)


def _dso_needed(path: str, e_machine: int) -> list[str] | None:
    """The DT_NEEDED names of an ELF64 little-endian shared object (ET_DYN) of the link's machine;
    None for anything else: bfd takes only such a file for a DT_NEEDED name, passing over the rest.
    (Headers and .dynamic only: the library found is then read as usual.)"""
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):       # (ValueError: an empty file)
        return None
    if len(data) < EHDR.size or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    eh = EHDR.unpack_from(data)
    if eh[1] != ET_DYN or eh[2] != e_machine:
        return None
    shoff, shentsize, shnum = eh[6], eh[11], eh[12]
    if shentsize != SHDR.size or shoff + shnum * SHDR.size > len(data):
        return []
    sh = [SHDR.unpack_from(data, shoff + k * SHDR.size) for k in range(shnum)]
    needed = []
    for h in sh:
        if h[1] != SHT_DYNAMIC or h[6] >= len(sh):
            continue
        stroff = sh[h[6]][4]
        end = min(h[4] + h[5], len(data))
        for tag, val in DYN.iter_unpack(data[h[4]:end - (end - h[4]) % DYN.size]):
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED:
                at = stroff + val
                e = data.find(b"\0", at)
                needed.append(data[at:e if e >= 0 else len(data)].decode("utf-8", "surrogateescape"))
    return needed


def _foreign_elf(path: str, e_machine: int) -> bool:
    """An ELF file (or an archive whose first object member is one) that is not ELF64 little-endian
    of the link's machine. Anything else (scripts, thin archives, unreadable files) is left to the normal checks."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
            if head[:8] == b"!<arch>\n":
                f.seek(8)
                for _ in range(4):          # past the symbol and long-name tables
                    hdr = f.read(60)
                    if len(hdr) < 60:
                        return False
                    size = int(hdr[48:58].decode("ascii", "replace").strip() or 0)
                    if hdr[:16].strip() in (b"/", b"//", b"/SYM64/"):
                        f.seek(size + (size & 1), 1)
                        continue
                    head = f.read(20)
                    break
                else:
                    return False
    except (OSError, ValueError):
        return False
    if head[:4] != b"\x7fELF" or len(head) < 20:
        return False
    return head[4] != 2 or head[5] != 1 or int.from_bytes(head[18:20], "little") != e_machine
