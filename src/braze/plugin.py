"""Link-time optimization through the compiler's linker plugin (binutils' plugin API, plugin-api.h).

`gcc -flto` passes `-plugin liblto_plugin.so -plugin-opt=...`, clang `-plugin LLVMgold.so`: the
plugin claims the IR objects, tells the linker their symbols, asks after all inputs are read how each
was resolved, compiles the IR (GCC runs lto-wrapper and LTRANS jobs) and hands back ordinary objects
that take the IR files' place.  Everything here is ctypes; the callbacks given to the plugin are
kept alive in the PluginHost for the whole link (a collected CFUNCTYPE would crash the plugin).

The plugin is loaded only when the first input that may hold IR is read (an ELF object with
`.gnu.lto_*` sections, or LLVM bitcode): gcc passes -plugin on every link, and loading ctypes and
the plugin would cost every non-LTO link several milliseconds.  Only such inputs are offered to the
claim-file hook; GCC's and LLVM's plugins claim nothing else.  (A -r link offers every object, as
bfd does: GCC's plugin counts the regular ones to choose -flinker-output=nolto-rel.)  A plugin path that does not name
a loadable ELF library is still refused at once, as bfd refuses it.
"""
from __future__ import annotations

import os
import sys

from . import diag
from .diag import LinkError
from .elf import (SHN_UNDEF, SHN_COMMON, STB_GLOBAL, STB_WEAK, STT_COMMON, STV_DEFAULT, STV_PROTECTED,
                  STV_HIDDEN, STV_INTERNAL)

# plugin-api.h
LDPS_OK, LDPS_NO_SYMS, LDPS_BAD_HANDLE, LDPS_ERR = 0, 1, 2, 3
(LDPT_NULL, LDPT_API_VERSION, LDPT_GOLD_VERSION, LDPT_LINKER_OUTPUT, LDPT_OPTION,
 LDPT_REGISTER_CLAIM_FILE_HOOK, LDPT_REGISTER_ALL_SYMBOLS_READ_HOOK, LDPT_REGISTER_CLEANUP_HOOK,
 LDPT_ADD_SYMBOLS, LDPT_GET_SYMBOLS, LDPT_ADD_INPUT_FILE, LDPT_MESSAGE, LDPT_GET_INPUT_FILE,
 LDPT_RELEASE_INPUT_FILE, LDPT_ADD_INPUT_LIBRARY, LDPT_OUTPUT_NAME, LDPT_SET_EXTRA_LIBRARY_PATH,
 LDPT_GNU_LD_VERSION, LDPT_GET_VIEW) = range(19)
LDPT_GET_SYMBOLS_V2 = 25
LDPT_GET_SYMBOLS_V3 = 28
LDPT_ADD_SYMBOLS_V2 = 33
LDPT_GET_API_VERSION = 34
LDPO_REL, LDPO_EXEC, LDPO_DYN, LDPO_PIE = 0, 1, 2, 3
LDPK_DEF, LDPK_WEAKDEF, LDPK_UNDEF, LDPK_WEAKUNDEF, LDPK_COMMON = 0, 1, 2, 3, 4
LDPV_DEFAULT, LDPV_PROTECTED, LDPV_INTERNAL, LDPV_HIDDEN = 0, 1, 2, 3
(LDPR_UNKNOWN, LDPR_UNDEF, LDPR_PREVAILING_DEF, LDPR_PREVAILING_DEF_IRONLY, LDPR_PREEMPTED_REG,
 LDPR_PREEMPTED_IR, LDPR_RESOLVED_IR, LDPR_RESOLVED_EXEC, LDPR_RESOLVED_DYN,
 LDPR_PREVAILING_DEF_IRONLY_EXP) = range(10)
LDPL_INFO, LDPL_WARNING, LDPL_ERROR, LDPL_FATAL = 0, 1, 2, 3
LDST_FUNCTION, LDST_VARIABLE = 1, 2

_STV = {LDPV_DEFAULT: STV_DEFAULT, LDPV_PROTECTED: STV_PROTECTED, LDPV_INTERNAL: STV_INTERNAL,
        LDPV_HIDDEN: STV_HIDDEN}
GNU_LD_VERSION = 240           # bfd passes major * 100 + minor; braze matches GNU ld 2.40


def _order_key(o) -> int:
    return o.order


def _first(t):
    return t[0]


def _first_two(t):
    return (t[0], t[1])


def _never(name: str, typ: int) -> bool:
    return False


class _IRSection:
    """Stands for the contents of a claimed file (or of one of its COMDAT groups) in the symbol
    table: definitions need a section, and a COMDAT key needs a group to win or lose."""
    __slots__ = ("name", "align", "group", "file")

    def __init__(self, name, file):
        self.name = name
        self.align = 1
        self.group = None
        self.file = file


class IRFile:
    """A claimed input: its symbols as the plugin described them, in the shape the reader's
    add_object expects of an ObjectFile (esyms tuples, names, sections, COMDAT groups)."""
    is_shared = False
    is_ir = True
    lto_slim = False
    just_syms = False

    def __init__(self, name, path, fd, offset, size, archive, view, host, handle):
        # bfd's name for the plugin's symbols (-y, diagnostics): the file, or the bare member name
        self.member_name = name     # -Map's first section names the member as bfd does
        if archive is not None and name.startswith(archive.path + "(") and name.endswith(")"):
            name = name[len(archive.path) + 1:-1]
        self.name = f"{name} (symbol from plugin)"
        self.input_name = name
        self.path = path            # what the plugin is told (the archive for a member)
        self.fd = fd
        self.offset = offset
        self.filesize = size
        self.archive = archive
        self.view = view
        self.host = host
        self.handle = handle
        self.order = 0
        self.sections = [None, _IRSection(".gnu.lto", self)]
        self.esyms = [(0, 0, 0, 0, 0, 0)]
        self.sym_names = [""]
        self.first_global = 1
        self.syms = []
        self.comdat_groups = []
        self.warnings = {}
        self.kinds = [0]
        self.is_alive = True
        self.is_crtbegin_end = False
        self.symbols_added = False
        self.pinned = None          # ctypes copy of the contents for get_view
        self.path_b = os.fsencode(path)   # kept: the plugin may hold on to the pointer

    def error(self, msg):
        return LinkError(f"{self.name}: {msg}")

    def __repr__(self):
        return f"<IRFile {self.name}>"

    def set_symbols(self, syms) -> None:
        """syms: (name, version, kind, visibility, size, comdat_key) from add_symbols."""
        groups = {}
        for name, version, kind, vis, size, key in syms:
            if version:
                name = f"{name}@{version}"
            bind = STB_WEAK if kind in (LDPK_WEAKDEF, LDPK_WEAKUNDEF) else STB_GLOBAL
            if kind in (LDPK_UNDEF, LDPK_WEAKUNDEF):
                shndx, value = SHN_UNDEF, 0
            elif kind == LDPK_COMMON:
                shndx, value = SHN_COMMON, 1
            elif key:
                shndx = groups.get(key)
                if shndx is None:
                    shndx = groups[key] = len(self.sections)
                    self.sections.append(_IRSection(".gnu.lto." + key, self))
                    self.comdat_groups.append((key, [shndx]))
                value = 0
            else:
                shndx, value = 1, 0
            self.esyms.append((0, bind << 4, _STV.get(vis, STV_DEFAULT), shndx, value, size))
            self.sym_names.append(name)
            self.kinds.append(kind)
        self.symbols_added = True


def gcc_ir_defines(view, name: str) -> bool:
    """Does this GCC IR object define `name` other than as a common symbol?  bfd asks its plugin
    target; GCC's IR objects say it in `.gnu.lto_.symtab.*`: per symbol, name NUL, COMDAT key NUL,
    kind (0 def, 1 weak def, 2/3 undef, 4 common), visibility, 8-byte size, 4-byte slot."""
    import _struct as struct
    from .elf import StructError
    try:
        shoff = struct.unpack_from("<Q", view, 0x28)[0]
        shnum, shstrndx = struct.unpack_from("<HH", view, 0x3c)
        shdrs = [struct.unpack_from("<IIQQQQIIQQ", view, shoff + i * 64) for i in range(shnum)]
        names_off = shdrs[shstrndx][4]
        want = name.encode()
        for sh in shdrs:
            o = names_off + sh[0]
            if bytes(view[o:o + 17]) != b".gnu.lto_.symtab.":
                continue
            data = bytes(view[sh[4]:sh[4] + sh[5]])
            pos = 0
            while pos < len(data):
                e = data.index(b"\0", pos)
                sym = data[pos:e]
                k = data.index(b"\0", e + 1)
                kind = data[k + 1]
                pos = k + 15
                if sym == want and kind in (LDPK_DEF, LDPK_WEAKDEF):
                    return True
    except (StructError, ValueError, IndexError):
        return False
    return False


_FMT = rb"%(%|[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diouxXcsp])"


def _format(ct, fmt: bytes, args) -> str:
    """printf for the plugin's variadic message(): x86-64 passes the first variadic integer and
    pointer arguments in the registers a fixed-argument callback reads, so the four after the format
    are available (the plugins' messages use one or two)."""
    out = []
    pos = 0
    it = iter(args)
    import re
    for m in re.finditer(_FMT, fmt):
        out.append(fmt[pos:m.start()].decode("utf-8", "replace"))
        pos = m.end()
        spec = m.group(1)
        if spec == b"%":
            out.append("%")
            continue
        v = next(it, None)
        if v is None:
            out.append("?")
            continue
        conv = spec[-1:]
        if conv == b"s":
            out.append(ct.string_at(v).decode("utf-8", "replace") if v else "(null)")
        elif conv == b"c":
            out.append(chr(v & 0xff))
        elif conv in b"di":
            v &= (1 << 64) - 1 if (b"l" in spec or b"z" in spec or b"j" in spec) else 0xffffffff
            bits = 64 if (b"l" in spec or b"z" in spec or b"j" in spec) else 32
            out.append(str(v - (1 << bits) if v >> (bits - 1) else v))
        else:
            v &= (1 << 64) - 1 if (b"l" in spec or b"z" in spec or b"j" in spec or conv == b"p") else 0xffffffff
            out.append({b"x": f"{v:x}", b"X": f"{v:X}", b"o": f"{v:o}", b"p": f"0x{v:x}"}.get(conv, str(v)))
    out.append(fmt[pos:].decode("utf-8", "replace"))
    return "".join(out)


class PluginHost:
    """The linker side of the plugin API for one link."""

    def __init__(self, ctx, reader):
        self.ctx = ctx
        self.reader = reader
        self.cfg = ctx.config
        self.specs = self.cfg.plugins           # [(path, [options])]
        self.loaded = False
        self.files: list[IRFile] = []           # claimed, in claim order
        self.by_handle: dict[int, IRFile] = {}
        self.added_files: list[str] = []
        self.added_libs: list[str] = []
        self.extra_paths: list[str] = []
        self.claim_hooks = []
        self.asr_hooks = []
        self.cleanup_hooks = []
        self._keep = []                          # everything the plugins may still point into
        self._current = None                     # plugin being called (for its messages)
        self.cleaned = False
        self.in_asr = False
        self.claiming_done = False
        self.non_ir = None
        self._nodes = None
        self._dyn_match = None
        self._dropped: tuple | None = None      # (libraries counted, their names): _dropped_names

    # ---------- loading ----------
    def _load(self) -> None:
        import ctypes as ct
        self.ct = ct
        self._types()
        for path, opts in self.specs:
            try:
                lib = ct.CDLL(path, mode=os.RTLD_NOW | getattr(os, "RTLD_LOCAL", 0))
            except OSError as e:
                raise LinkError(f"{path}: error loading plugin: {e}") from None
            onload = getattr(lib, "onload", None) or getattr(lib, "_onload", None)
            if onload is None:
                raise LinkError(f"{path}: error loading plugin: {path}: undefined symbol: _onload")
            onload.restype = ct.c_int
            onload.argtypes = [ct.c_void_p]
            self._keep.append(lib)
            tv = self._transfer_vector(path, opts)
            self._current = path
            rv = onload(ct.cast(tv, ct.c_void_p))
            self._current = None
            diag.check_errors()
            if rv != LDPS_OK:
                raise LinkError(f"{path}: plugin error: {rv}")
        self.loaded = True

    def _types(self) -> None:
        ct = self.ct

        class Symbol(ct.Structure):
            _fields_ = [("name", ct.c_char_p), ("version", ct.c_char_p), ("def_", ct.c_ubyte),
                        ("symbol_type", ct.c_ubyte), ("section_kind", ct.c_ubyte), ("unused", ct.c_ubyte),
                        ("visibility", ct.c_int), ("size", ct.c_uint64), ("comdat_key", ct.c_char_p),
                        ("resolution", ct.c_int)]

        class InputFile(ct.Structure):
            _fields_ = [("name", ct.c_char_p), ("fd", ct.c_int), ("offset", ct.c_int64),
                        ("filesize", ct.c_int64), ("handle", ct.c_void_p)]

        class TV(ct.Structure):
            _fields_ = [("tag", ct.c_int), ("val", ct.c_void_p)]

        self.Sym, self.InputFile, self.TV = Symbol, InputFile, TV
        st = ct.c_int
        self.F_claim = ct.CFUNCTYPE(st, ct.POINTER(InputFile), ct.POINTER(ct.c_int))
        self.F_void = ct.CFUNCTYPE(st)
        self.F_register = ct.CFUNCTYPE(st, ct.c_void_p)
        self.F_add_symbols = ct.CFUNCTYPE(st, ct.c_void_p, ct.c_int, ct.POINTER(Symbol))
        self.F_get_symbols = ct.CFUNCTYPE(st, ct.c_void_p, ct.c_int, ct.POINTER(Symbol))
        self.F_str = ct.CFUNCTYPE(st, ct.c_char_p)
        self.F_message = ct.CFUNCTYPE(st, ct.c_int, ct.c_char_p, ct.c_uint64, ct.c_uint64, ct.c_uint64,
                                      ct.c_uint64)
        self.F_get_input_file = ct.CFUNCTYPE(st, ct.c_void_p, ct.POINTER(InputFile))
        self.F_release = ct.CFUNCTYPE(st, ct.c_void_p)
        self.F_get_view = ct.CFUNCTYPE(st, ct.c_void_p, ct.POINTER(ct.c_void_p))
        self.F_api = ct.CFUNCTYPE(st, ct.c_char_p, ct.c_char_p, ct.c_int, ct.c_int,
                                  ct.POINTER(ct.c_char_p), ct.POINTER(ct.c_char_p))

    def _cb(self, ftype, fn):
        f = ftype(fn)
        self._keep.append(f)
        return self.ct.cast(f, self.ct.c_void_p).value

    def _str(self, s: str) -> int:
        b = self.ct.create_string_buffer(s.encode())
        self._keep.append(b)
        return self.ct.addressof(b)

    def _transfer_vector(self, path, opts):
        cfg = self.cfg
        # bfd: a relocatable link is LDPO_REL whatever else was said (GCC's lto-wrapper then
        # keeps every symbol: -flinker-output=rel), then a shared library, a PIE, an executable
        if cfg.relocatable:
            out = LDPO_REL
        elif cfg.shared:
            out = LDPO_DYN
        elif cfg.pie:
            out = LDPO_PIE
        else:
            out = LDPO_EXEC
        entries = [(LDPT_MESSAGE, self._cb(self.F_message, self._message)),
                   (LDPT_API_VERSION, 1),
                   (LDPT_GNU_LD_VERSION, GNU_LD_VERSION),
                   (LDPT_LINKER_OUTPUT, out),
                   (LDPT_OUTPUT_NAME, self._str(cfg.output))]
        entries += [(LDPT_OPTION, self._str(o)) for o in opts]
        # (no LDPT_GET_WRAP_SYMBOLS: bfd 2.40 does not offer it, and LLVMgold's ThinLTO renames
        # --wrap'd calls in the IR when it is there, so a program would run differently)
        entries += [
            (LDPT_REGISTER_CLAIM_FILE_HOOK, self._cb(self.F_register, self._reg_claim)),
            (LDPT_REGISTER_ALL_SYMBOLS_READ_HOOK, self._cb(self.F_register, self._reg_asr)),
            (LDPT_REGISTER_CLEANUP_HOOK, self._cb(self.F_register, self._reg_cleanup)),
            (LDPT_ADD_SYMBOLS, self._cb(self.F_add_symbols, self._add_symbols)),
            (LDPT_ADD_SYMBOLS_V2, self._cb(self.F_add_symbols, self._add_symbols)),
            (LDPT_GET_INPUT_FILE, self._cb(self.F_get_input_file, self._get_input_file)),
            (LDPT_GET_VIEW, self._cb(self.F_get_view, self._get_view)),
            (LDPT_RELEASE_INPUT_FILE, self._cb(self.F_release, self._release_input_file)),
            (LDPT_GET_SYMBOLS, self._cb(self.F_get_symbols, lambda h, n, s: self._get_symbols(h, n, s, 1))),
            (LDPT_GET_SYMBOLS_V2, self._cb(self.F_get_symbols, lambda h, n, s: self._get_symbols(h, n, s, 2))),
            (LDPT_GET_SYMBOLS_V3, self._cb(self.F_get_symbols, lambda h, n, s: self._get_symbols(h, n, s, 3))),
            (LDPT_ADD_INPUT_FILE, self._cb(self.F_str, self._add_input_file)),
            (LDPT_ADD_INPUT_LIBRARY, self._cb(self.F_str, self._add_input_library)),
            (LDPT_SET_EXTRA_LIBRARY_PATH, self._cb(self.F_str, self._set_extra_library_path)),
            (LDPT_GET_API_VERSION, self._cb(self.F_api, self._get_api_version)),
            (LDPT_NULL, 0)]
        tv = (self.TV * len(entries))(*[self.TV(t, v) for t, v in entries])
        self._keep.append(tv)
        return tv

    # ---------- callbacks (never raise: an exception cannot cross the C frames) ----------
    def _guard(self, fn, *a):
        try:
            return fn(*a)
        except LinkError as e:
            if e.args and e.args[0]:
                diag.error(e.args[0])
            return LDPS_ERR
        except Exception as e:       # a braze bug: report it like any other
            diag.error(f"internal error in a plugin callback: {type(e).__name__}: {e}")
            return LDPS_ERR

    def _reg_claim(self, fn):
        self.claim_hooks.append((self._current, self.F_claim(fn)))
        return LDPS_OK

    def _reg_asr(self, fn):
        self.asr_hooks.append((self._current, self.F_void(fn)))
        return LDPS_OK

    def _reg_cleanup(self, fn):
        self.cleanup_hooks.append((self._current, self.F_void(fn)))
        return LDPS_OK

    def _message(self, level, fmt, a1, a2, a3, a4):
        try:
            text = _format(self.ct, fmt or b"", (a1, a2, a3, a4))
        except Exception:
            text = (fmt or b"").decode("utf-8", "replace")
        prog = diag._prog
        # bfd: information and warnings on stdout, errors on stderr; an error fails the link when
        # the plugin returns, a fatal one ends it at once
        if level == LDPL_INFO:
            sys.stdout.write(f"{prog}: {text}\n")
        elif level == LDPL_WARNING:
            sys.stdout.write(f"{prog}: warning: {text}\n")
        elif level == LDPL_FATAL:
            sys.stdout.flush()
            sys.stderr.write(f"{prog}: error: {text}\n")
            sys.stderr.flush()
            self.cleanup()
            os._exit(1)
        else:
            diag.error(text)
        return LDPS_OK

    def _file(self, handle):
        f = self.by_handle.get(handle or 0)
        if f is None:
            raise LinkError("plugin passed an unknown file handle")
        return f

    def _add_symbols(self, handle, n, syms):
        return self._guard(self._do_add_symbols, handle, n, syms)

    def _do_add_symbols(self, handle, n, syms):
        f = self._file(handle)
        out = []
        for i in range(n):
            s = syms[i]
            out.append((s.name.decode("utf-8", "replace"), s.version.decode("utf-8", "replace") if s.version
                        else None, s.def_, s.visibility, s.size,
                        s.comdat_key.decode("utf-8", "replace") if s.comdat_key else None))
        f.set_symbols(out)
        return LDPS_OK

    def _get_input_file(self, handle, out):
        f = self.by_handle.get(handle or 0)
        if f is None:
            return LDPS_BAD_HANDLE
        o = out[0]
        o.name = f.path_b
        o.fd = f.fd
        o.offset = f.offset
        o.filesize = f.filesize
        o.handle = handle
        return LDPS_OK

    def _release_input_file(self, handle):
        return LDPS_OK if (handle or 0) in self.by_handle else LDPS_BAD_HANDLE

    def _get_view(self, handle, viewp):
        f = self.by_handle.get(handle or 0)
        if f is None:
            return LDPS_BAD_HANDLE
        if f.pinned is None:
            f.pinned = self.ct.create_string_buffer(bytes(f.view), len(f.view))
        viewp[0] = self.ct.addressof(f.pinned)
        return LDPS_OK

    def _get_symbols(self, handle, n, syms, version):
        return self._guard(self._do_get_symbols, handle, n, syms, version)

    def _do_get_symbols(self, handle, n, syms, version):
        f = self.by_handle.get(handle or 0)
        if f is None:
            return LDPS_BAD_HANDLE
        if not self.in_asr:
            raise LinkError(f"{f.name}: plugin asked for symbol resolutions before all symbols were read")
        for i in range(n):
            syms[i].resolution = self._resolution(f, i + 1, version)
        return LDPS_OK

    def _add_input_file(self, path):
        self.added_files.append(os.fsdecode(path))
        return LDPS_OK

    def _add_input_library(self, name):
        self.added_libs.append(os.fsdecode(name))
        return LDPS_OK

    def _set_extra_library_path(self, path):
        self.extra_paths.append(os.fsdecode(path))
        return LDPS_OK

    def _get_api_version(self, _ident, _ver, minimal, maximal, linker_ident, linker_ver):
        from . import __version__
        if linker_ident:
            linker_ident[0] = self.ct.c_char_p(self._str("braze"))
        if linker_ver:
            linker_ver[0] = self.ct.c_char_p(self._str(str(__version__)))
        if minimal > 1:
            return -1
        return min(maximal, 1)

    # ---------- claiming ----------
    def claim(self, name: str, path: str, offset: int, size: int, archive, view):
        """Offer an input that may hold IR to the plugins.  Returns the IRFile when one claimed it.
        Nothing is offered once all symbols are read (bfd's no_more_claiming): the plugin's own
        objects are read as they are (with -r, GCC's are IR again: -flinker-output=rel)."""
        if self.claiming_done:
            return None
        if not self.loaded:
            self._load()
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as e:
            raise LinkError(f"cannot open {path}: {e.strerror}") from None
        handle = len(self.by_handle) + 1
        f = IRFile(name, path, fd, offset, size, archive, view, self, handle)
        self.by_handle[handle] = f
        ct = self.ct
        rec = f.rec = self.InputFile(f.path_b, fd, offset, size, handle)
        for plugin, hook in self.claim_hooks:
            claimed = ct.c_int(0)
            os.lseek(fd, offset, os.SEEK_SET)
            self._current = plugin
            rv = hook(ct.byref(rec), ct.byref(claimed))
            self._current = None
            diag.check_errors()
            if rv != LDPS_OK:
                raise LinkError(f"{plugin}: plugin reported error claiming file")
            if claimed.value:
                if not f.symbols_added:
                    f.set_symbols([])
                self.files.append(f)
                return f
        del self.by_handle[handle]
        os.close(fd)
        return None

    # ---------- resolution ----------
    def _non_ir_refs(self) -> set:
        """ids of the symbols that something other than IR refers to or defines: a regular object
        or a shared library, or the command line (-u, entry, --defsym expressions, -init/-fini,
        the library-init entry).  (--export-dynamic-symbol is not one: bfd counts it, with the
        dynamic list, as visible from outside, _dyn_listed.)"""
        ctx = self.ctx
        cfg = self.cfg
        out = set()
        for o in ctx.objs:
            if getattr(o, "is_ir", False):
                continue
            for s in o.syms:
                if s is not None:
                    out.add(id(s))
        names = set(cfg.undefined) | set(cfg.require_defined)
        names.update(n for n in (cfg.entry, getattr(cfg, "init", None), cfg.fini, ctx.script_entry) if n)
        if not cfg.entry and not ctx.script_entry and ctx.lscript is None:
            names.add("_start")     # the default script's ENTRY(_start): bfd keeps an IR _start
        if cfg.shared and cfg.init_entry:
            names.add(cfg.init_entry)
        import re
        ident = re.compile(r"[A-Za-z_.$][A-Za-z0-9_.$@]*")
        for _name, expr in cfg.defsyms:
            names.update(ident.findall(str(expr)))
        for _name, expr, _path, _kind in ctx.script_assigns:
            names.update(ident.findall(str(expr)))
        for n in names:
            s = ctx.symtab.get(n)
            if s is not None:
                out.add(id(s))
        return out

    def _visible_outside(self, s) -> bool:
        """bfd's is_visible_from_outside: exported from -shared/-E output or referenced by a shared
        library, default or protected visibility, and not made local by a version script.  (bfd's
        non_ir_ref_dynamic is set by a library's definition too, not only by its references, and an
        --as-needed library left out keeps it set: _dropped_names.)
        In a -r link everything is: a later link may refer to it (whatever its visibility)."""
        cfg = self.cfg
        if cfg.relocatable:
            return True
        if not (s.ref_dynamic or s.def_dynamic or cfg.export_dynamic or cfg.shared or self._dyn_listed(s)
                or s.name in self._dropped_names()):
            return False
        if s.visibility not in (STV_DEFAULT, STV_PROTECTED):
            return False
        return not self._version_local(s.name)

    def _dropped_names(self) -> set:
        """The names the --as-needed libraries left out so far define (default versions) or reference."""
        libs = self.reader.dropped_libs
        cached = self._dropped
        if cached is None or cached[0] != len(libs):
            names: set = set()
            for so in libs:
                hidden = so.def_hidden
                names.update(n for i, n in enumerate(so.def_names) if not hidden[i])
                names.update(so.undefs)
            cached = self._dropped = (len(libs), names)
        return cached[1]

    def _dyn_matcher(self):
        m = self._dyn_match
        if m is None:
            cfg = self.cfg
            if cfg.dynamic_list or cfg.dynamic_list_exports or cfg.dynamic_list_data or cfg.dynamic_list_builtin:
                from .version import dynamic_list_matcher
                m = dynamic_list_matcher(self.ctx)
            else:
                m = _never
            self._dyn_match = m
        return m

    def _dyn_listed(self, s) -> bool:
        """Whether the dynamic list (or --dynamic-list-data) names s: bfd counts such a symbol as
        referenced from outside the IR (non_ir_ref_dynamic), so an executable exports it."""
        m = self._dyn_matcher()
        # bfd sees an IR common as STT_COMMON (--dynamic-list-data exports it); an IR
        # definition's type is unknown here, it is not taken for data
        from .symbols import COMMON
        return m(s.name, STT_COMMON if s.rank == COMMON and getattr(s.file, "is_ir", False) else s.type)

    def _version_local(self, name: str) -> bool:
        nodes = self._version_nodes()
        if not nodes:
            return False
        from .version import _find_version
        cxx = diag.cxx_name(name) if name.startswith("_Z") else None
        r = _find_version(nodes, name, cxx, set())
        return r is not None and not r[1]

    def _version_nodes(self) -> list:
        nodes = self._nodes
        if nodes is None:
            ctx = self.ctx
            if ctx.version_texts or self.cfg.version_scripts:
                from .version import _load_nodes
                nodes = _load_nodes(ctx)
            else:
                nodes = []
            self._nodes = nodes
        return nodes

    def _resolution(self, f: IRFile, i: int, version: int) -> int:
        s = f.syms[i]
        kind = f.kinds[i]
        if s is None:
            return LDPR_UNDEF
        from .symbols import NONE, SHARED
        owner = s.file
        if kind in (LDPK_UNDEF, LDPK_WEAKUNDEF) or (kind == LDPK_COMMON and owner is not f):
            if s.rank == NONE:
                return LDPR_UNDEF
            if s.rank == SHARED:
                return LDPR_RESOLVED_DYN
            if getattr(owner, "is_ir", False):
                return LDPR_RESOLVED_IR
            return LDPR_RESOLVED_EXEC
        if owner is not f or (kind != LDPK_COMMON and f.sections[f.esyms[i][3]] is None):
            return LDPR_PREEMPTED_IR if getattr(owner, "is_ir", False) else LDPR_PREEMPTED_REG
        wraps = self.reader.wraps
        name = s.name
        if id(s) in self.non_ir or (wraps and (name in wraps or name.startswith("__wrap_") and name[7:] in wraps)):
            return LDPR_PREVAILING_DEF
        if self._visible_outside(s):
            return LDPR_PREVAILING_DEF_IRONLY_EXP if version >= 2 else LDPR_PREVAILING_DEF
        return LDPR_PREVAILING_DEF_IRONLY

    def all_symbols_read(self) -> None:
        """Report the resolutions and let the plugins compile the IR (GCC: lto-wrapper, LTRANS)."""
        if not self.loaded:
            return
        self._nodes = None
        self._dyn_match = None
        self.non_ir = self._non_ir_refs()
        if not self.cfg.relocatable:
            # read the version scripts and the dynamic list now: an error in them raised inside the
            # plugin's get_symbols callback leaves GCC's plugin without resolutions (it aborts)
            self._version_nodes()
            self._dyn_matcher()
        self.claiming_done = True
        self.in_asr = True
        for plugin, hook in self.asr_hooks:
            self._current = plugin
            rv = hook()
            self._current = None
            diag.check_errors()
            if rv != LDPS_OK:
                raise LinkError(f"{plugin}: plugin reported error after all symbols read")
        self.in_asr = False

    def replace_ir(self) -> None:
        """Put what the plugins added in the IR files' place (bfd: after the first claimed file)."""
        if not self.files:
            if self.added_files:
                raise LinkError("plugin added input files without claiming any")
            return
        from .symbols import NONE, COMMON
        from .resolve import _define_shared
        ctx = self.ctx
        r = self.reader
        irs = set(map(id, self.files))
        objs = ctx.objs
        if ctx.config.map_file and ctx.extracted:
            # the map names the file whose reference loaded a member: the IR's, which leaves now
            from .explain import _references
            ctx.pre_lto_refs = _references(ctx)
        ctx.objs = [o for o in objs if id(o) not in irs]
        # bfd's insertion point: after the first claimed file in load order; when that is an
        # archive member, after the last object or library (--as-needed too: all are on bfd's file
        # chain) loaded before it, so before the archive members loaded since
        first = min((o for o in objs if id(o) in irs), key=_order_key)
        after = first.order
        rescan_from = float(after)      # (the rescan's start: that file, or the first input)
        if first.archive is not None:
            plain = [x.order for x in list(objs) + list(r.sonames.values())
                     if getattr(x, "archive", None) is None and x.order < first.order]
            after = max(plain) if plain else first.order - 1
            rescan_from = float(after) if plain else float("-inf")
        for key in [k for k, o in ctx.comdat.items() if id(o) in irs]:
            del ctx.comdat[key]
        # the IR definitions leave the symbol table; the plugin's objects define again what survived
        reset = []
        ir_commons = []
        for f in self.files:
            for s in f.syms:
                if s is None:
                    continue
                if id(s.file) in irs:
                    if s.rank == COMMON:
                        ir_commons.append(s)
                    s.rank = NONE
                    s.file = None
                    s.section = None
                    s.value = s.size = 0
                    s.type = 0
                    s.dyn_version = None
                    s.common_align = 0
                    reset.append(s)
                if s.ref_file is not None and id(s.ref_file) in irs:
                    s.ref_file = None
        self._recompute_refs()
        for s in reset:
            if s.def_dynamic:       # a library defines it too: its definition until an object's comes
                for so in ctx.dsos:
                    d = next((d for d in so.defs if d[0] == s.name and not d[7]), None)
                    if d is not None:
                        _define_shared(s, so, d)
                        break
        for p in self.extra_paths:
            r.lib_dirs.append(p)
        n0 = len(ctx.objs)
        before = list(ctx.dsos)
        last = self.cfg.inputs[-1] if self.cfg.inputs else None
        as_needed = last.as_needed if last is not None else False
        static = last.static if last is not None else False
        # -r: GCC's output is an IR object again (the partial link's IR, for the final LTO link),
        # copied into the output as bfd copies it
        r.ir_output_ok = self.cfg.relocatable
        loads = r.map_loads
        n_loads = len(loads) if loads is not None else 0
        try:
            for p in self.added_files:
                r.add_path(p, as_needed, False, static)
        finally:
            r.ir_output_ok = False
        for o in ctx.objs[n0:]:
            o.lto_output = True
        if loads is not None and 0 <= r.map_lto_at < n_loads:
            # (-Map: bfd lists the plugin's objects after the first file it claimed)
            moved = loads[n_loads:]
            del loads[n_loads:]
            loads[r.map_lto_at:r.map_lto_at] = moved
        for lib in self.added_libs:
            p = r.find_lib(lib, static)
            if p is None:
                diag.check_errors()
                continue
            r.add_path(p, as_needed, False, static, os.path.basename(p), from_lib=True)
        # in bfd the compiled object's large common meets the IR's (a plain one: the plugin API has
        # no large kind), which makes it normal before the IR's is dropped: it ends up in .bss
        for s in ir_commons:
            if s.rank == COMMON:
                s.large_common = False
        new = ctx.objs[n0:]
        dsos = list({id(so): so for so in list(ctx.dsos) + list(r.sonames.values())}.values())
        # the new inputs take their place in the file order (sections are placed by it): number
        # every input again, the new ones right after the insertion point
        seq = sorted([(float(o.order), o) for o in ctx.objs[:n0]]
                     + [(after + 0.5, o) for o in new]
                     + [(float(so.order), so) for so in dsos], key=_first)
        for ar in r.archives.values():      # (their places among the renumbered inputs; an archive
            # opened right after the first claimed file comes after the plugin's objects put there)
            ar.pos = float(sum(1 for t in seq if t[0] <= ar.pos + 0.5))
            fl = ar.first_last
            if fl is not None:      # (a claimed member keeps its place in bfd's chain: after what precedes it)
                ar.first_last_pos = float(sum(1 for t in seq if t[0] <= fl.order))
        for i, (_, o) in enumerate(seq):
            o.order = i + 1
        r.order = len(seq)
        ctx.objs = sorted(ctx.objs, key=_order_key)
        # the compiled code may need what no IR symbol named (libgcc helpers, memcpy...): rescan
        n1 = len(ctx.objs)
        r.rescan_after_lto(rescan_from)
        if len(ctx.objs) > n1:
            self._place_rescanned(ctx.objs[:n1], ctx.objs[n1:], dsos)
        # a library this makes needed takes its command-line place among the needed ones (bfd's
        # DT_NEEDED order: g++'s --as-needed -lgcc_s, needed by the compiled code's _Unwind_Resume,
        # comes before -lc)
        for so in ctx.dsos[len(before):]:
            i = next((i for i, o in enumerate(before) if o.order > so.order), len(before))
            before.insert(i, so)
        ctx.dsos[:] = before

    def _place_rescanned(self, old: list, new: list, dsos: list) -> None:
        """bfd's find_rescan_insertion: the rescan's members go right after the last member loaded
        from their archive when it was first opened (bfd's archive statement remembers that one; a
        group's rescans and a later -l of the same file do not move it), not after every input
        (crtend.o, crtn.o): in a -static link, libgcc's members that only the group's rescans loaded
        for libc.a do not count. From an archive that had none loaded so: after the last file before
        it on the command line (an object, a library, the plugin's objects, which sit right after the
        file it claimed) that has a successor in bfd's file chain -- so never after the chain's last file: in a -nostdlib link
        ending `last.o -lgcc` they go before last.o (musl's libc.so: libgcc's .rodata.cst16 before
        dynlink.lo's sections) -- then past the archive members that follow it (loaded from the
        archives in between)."""
        ctx = self.ctx
        seq = [(float(o.order), 0, o) for o in old] + [(float(so.order), 0, so) for so in dsos]
        chain = sorted(seq, key=_first_two)     # bfd's file chain before the rescan
        nchain = len(chain)
        for i, o in enumerate(new):
            ar = o.archive
            at = ar.first_last_pos if ar is not None else None
            if at is None and ar is not None:
                before = -1
                for k in range(nchain - 1):      # (the chain's last file has no successor)
                    if chain[k][0] > ar.pos:
                        break
                    if getattr(chain[k][2], "archive", None) is None:
                        before = k
                j = before + 1 if before >= 0 else 1
                while j < nchain and getattr(chain[j][2], "archive", None) is not None:
                    j += 1
                if j < nchain:
                    at = chain[j][0] - 0.5
            seq.append((at if at is not None else float(o.order), i + 1, o))
        seq.sort(key=_first_two)
        for i, t in enumerate(seq):
            t[2].order = i + 1
        self.reader.order = len(seq)
        ctx.objs = sorted(ctx.objs, key=_order_key)

    def _recompute_refs(self) -> None:
        """The IR's references go with it: a symbol that only IR referred to, and that the
        compiled code no longer needs (inlined, internalized), must not pull archive members in.
        Its reference flags are rebuilt from the other inputs; the plugin's objects add theirs."""
        from .symbols import NONE
        ctx = self.ctx
        touched = {}
        for f in self.files:
            for s in f.syms:
                if s is not None:
                    touched[id(s)] = s
        for s in touched.values():
            s.ref_regular = s.ref_strong = s.ref_ir_only = False
        for o in ctx.objs:
            syms = o.syms
            esyms = o.esyms
            for i in range(o.first_global, len(esyms)):
                s = syms[i]
                if s is None or id(s) not in touched:
                    continue
                s.ref_regular = True
                e = esyms[i]
                if e[3] == SHN_UNDEF and e[1] >> 4 != STB_WEAK:
                    s.ref_strong = True
                if e[3] == SHN_UNDEF:
                    if s.ref_file is None:
                        s.ref_file = o
                    # a reference's type stands until a definition comes (bindsyms: the TLS
                    # check against the plugin's objects): the IR definition's typeless one is gone
                    if s.rank == NONE and not s.type:
                        s.type = e[1] & 0xf
        for n in self.cfg.undefined:
            s = ctx.symtab.get(n)
            if s is not None:
                s.ref_regular = s.ref_strong = True

    def cleanup(self) -> None:
        """The plugins delete their temporary files; then the claimed files' descriptors close."""
        if self.cleaned:
            return
        self.cleaned = True
        for plugin, hook in self.cleanup_hooks:
            self._current = plugin
            try:
                hook()
            except Exception:
                pass
        for f in self.files:
            try:
                os.close(f.fd)
            except OSError:
                pass
